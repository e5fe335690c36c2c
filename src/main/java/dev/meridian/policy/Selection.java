package dev.meridian.policy;

/**
 * What a policy chose: endpoints in answer order, and the ECS scope prefix the choice holds for (0:
 * every client gets the same). Immutable once returned.
 */
public final class Selection {
  private final Endpoint[] endpoints;
  private final int count;
  private final int scope;

  Selection(Endpoint[] endpoints, int count, int scope) {
    this.endpoints = endpoints;
    this.count = count;
    this.scope = scope;
  }

  static Selection empty(int scope) {
    return new Selection(new Endpoint[0], 0, scope);
  }

  Selection withScope(int s) {
    return new Selection(endpoints, count, s);
  }

  public int count() {
    return count;
  }

  public Endpoint get(int i) {
    return endpoints[i];
  }

  public int scope() {
    return scope;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < count; i++) {
      b.append(i == 0 ? "" : ", ").append(endpoints[i]);
    }
    return count == 0 ? "none" : b.toString();
  }
}
