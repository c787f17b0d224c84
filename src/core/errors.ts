/**
 * A mistake the user can fix. It becomes a private, friendly reply; nothing the command did is kept
 * (the transaction rolls back). `usage` is shown under the message.
 */
export class UserError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly usage?: string,
  ) {
    super(message);
    this.name = "UserError";
  }
}

/** The actor is not a member (never joined, or asked to be forgotten): the answer says how to join. */
export class NotJoinedError extends Error {
  constructor(readonly forgotten: boolean) {
    super(forgotten ? "forgotten account" : "not a member");
    this.name = "NotJoinedError";
  }
}
