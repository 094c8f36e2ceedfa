/**
 * Whether two objects can be in one namespace: the same one, or either without one (cdk8s leaves it
 * to `kubectl apply -n`, so such an object goes wherever the other does).
 */
export function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return !a || !b || a === b;
}
