package dev.meridian.cli;

import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;

/**
 * Signal handling through the JDK's {@code sun.misc.Signal} (module jdk.unsupported), reached by
 * reflection so the build needs no internal API: SIGHUP reloads; SIGTERM and SIGINT stop the server
 * with exit status 0. Where it is missing, reloads still come from file changes and a stop ends
 * through the shutdown hook (status 143).
 */
final class Signals {
  private static final System.Logger LOG = System.getLogger("meridian");

  private Signals() {}

  /** Runs {@code action} on every SIGHUP; false when this JVM cannot catch signals. */
  static boolean onHangup(Runnable action) {
    if (on("HUP", action)) {
      return true;
    }
    LOG.log(Level.WARNING, "SIGHUP cannot be caught here; reloads follow file changes");
    return false;
  }

  /**
   * Runs {@code action} on its own thread (not the signal thread) on every signal {@code name}
   * ("HUP", "TERM", "INT"); false when this JVM cannot catch it.
   */
  static boolean on(String name, Runnable action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      InvocationHandler h =
          (proxy, method, args) -> {
            if (method.getName().equals("handle")) {
              Thread t = new Thread(action, "signal-" + name);
              t.setDaemon(true);
              t.start(); // not on the signal thread: a reload takes time
              return null;
            }
            return switch (method.getName()) {
              case "hashCode" -> System.identityHashCode(proxy);
              case "equals" -> proxy == args[0];
              default -> "meridian-" + name;
            };
          };
      Object proxy =
          Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handler}, h);
      Object sig = signal.getConstructor(String.class).newInstance(name);
      signal.getMethod("handle", signal, handler).invoke(null, sig, proxy);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(Level.DEBUG, "SIG" + name + " cannot be caught here: " + e);
      return false;
    }
  }
}
