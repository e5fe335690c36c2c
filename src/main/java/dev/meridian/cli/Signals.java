package dev.meridian.cli;

import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;

/**
 * SIGHUP handling through the JDK's {@code sun.misc.Signal} (module jdk.unsupported), reached by
 * reflection so the build needs no internal API. Where it is missing, reloads still come from file
 * changes.
 */
final class Signals {
  private static final System.Logger LOG = System.getLogger("meridian");

  private Signals() {}

  /** Runs {@code action} on every SIGHUP; false when this JVM cannot catch signals. */
  static boolean onHangup(Runnable action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      InvocationHandler h =
          (proxy, method, args) -> {
            if (method.getName().equals("handle")) {
              Thread t = new Thread(action, "sighup-reload");
              t.setDaemon(true);
              t.start(); // not on the signal thread: a reload takes time
              return null;
            }
            return switch (method.getName()) {
              case "hashCode" -> System.identityHashCode(proxy);
              case "equals" -> proxy == args[0];
              default -> "meridian-sighup";
            };
          };
      Object proxy =
          Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handler}, h);
      Object hup = signal.getConstructor(String.class).newInstance("HUP");
      signal.getMethod("handle", signal, handler).invoke(null, hup, proxy);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(
          Level.WARNING, "SIGHUP cannot be caught here (" + e + "); reloads follow file changes");
      return false;
    }
  }
}
