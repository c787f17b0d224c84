/** An operational error with a stable code, raised outside command handling (start-up, configuration). */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "AppError";
  }
}
