import { AiFilmsError, type ModuleCode } from "../errors.ts";

/** A relay request refused, with one sentence for the viewer. */
export class RelayError extends AiFilmsError<"relay"> {
  override readonly name = "RelayError";

  constructor(code: ModuleCode<"relay">, message: string, details?: string) {
    super("relay", code, message, { details });
  }
}
