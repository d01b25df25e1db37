// The local platform's ports are checked before anything starts, so a port in use stops it with a
// sentence naming the port and the setting that chose it rather than with a child's crash later.
import { createServer } from "node:net";
import { AiFilmsError } from "../errors.ts";

export class PortInUseError extends AiFilmsError<"platform"> {
  override name = "PortInUseError";

  constructor(
    readonly port: number,
    readonly purpose: string,
    readonly setting?: string,
  ) {
    super(
      "platform",
      "PORT_IN_USE",
      `port ${port} (${setting ? `${setting}, ` : ""}${purpose}) is already in use: stop what listens there${setting ? `, or choose another port with ${setting}=…` : ""}`,
    );
  }
}

/**
 * Resolves when nothing listens on `port`. The probe binds every address, which collides with a
 * listener on any one of them (127.0.0.1, ::1, 0.0.0.0, ::).
 */
export function assertPortFree(port: number, purpose: string, setting?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" ? new PortInUseError(port, purpose, setting) : error);
    });
    probe.listen({ port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
