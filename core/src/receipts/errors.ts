import { AiFilmsError, type ModuleCode } from "../errors.ts";

/** A session key or a signed heartbeat refused; the code says why (serving/errors.ts gives its 4xx). */
export class ReceiptError extends AiFilmsError<"receipts"> {
  override name = "ReceiptError";

  constructor(code: ModuleCode<"receipts">, message: string) {
    super("receipts", code, message);
  }
}
