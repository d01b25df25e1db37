// The parts of webvtt-parser (the W3C's WebVTT parser and validator) the media pipeline uses.
declare module "webvtt-parser" {
  export interface ParsedCue {
    id: string;
    startTime: number;
    endTime: number;
    text: string;
  }
  export interface ParseError {
    message: string;
    line: number;
    col?: number;
  }
  export class WebVTTParser {
    parse(input: string, mode?: "metadata" | "chapters"): { cues: ParsedCue[]; errors: ParseError[] };
  }
  // A CommonJS module whose exports Node cannot detect statically: import the default.
  const webvtt: { WebVTTParser: typeof WebVTTParser };
  export default webvtt;
}
