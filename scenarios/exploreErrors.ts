/**
 * The exploration could not run: the app never acted, could not be reached, or the options
 * do not fit together. `callsim explore` exits 2 on it; an order that breaks the app is not
 * this error but a failure in the result (exit 1).
 */
export class ExploreSetupError extends Error {
  override readonly name = "ExploreSetupError";
}
