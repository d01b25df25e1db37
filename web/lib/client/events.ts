/**
 * Window events between the client islands, which are separate React roots' worth of state:
 * the purchase panel asks the header's RainbowKit to open its connect modal, and announces a
 * completed purchase so the player and the page refresh their idea of what the viewer may watch.
 */

export const OPEN_CONNECT = "aif:open-connect";
export const ACCESS_CHANGED = "aif:access-changed";

export function openConnectModal(): void {
  window.dispatchEvent(new Event(OPEN_CONNECT));
}

export function announceAccessChanged(): void {
  window.dispatchEvent(new Event(ACCESS_CHANGED));
}

/**
 * The header's wallet code loads on demand (see components/slots.tsx): a request to connect that
 * arrives before it has mounted is remembered here and honoured when it does.
 */
let pendingConnect = false;

export function rememberConnectRequest(): void {
  pendingConnect = true;
}

export function takeConnectRequest(): boolean {
  const pending = pendingConnect;
  pendingConnect = false;
  return pending;
}

/**
 * Keyboard users reach the header's wallet code by focusing its placeholder; the loaded island
 * replaces that element, which would drop the focus to the page's start. The placeholder notes
 * that it had focus, and the island puts it on its first control if nothing else took it since.
 */
let pendingFocus = false;

export function rememberWalletFocus(): void {
  pendingFocus = true;
}

export function takeWalletFocus(): boolean {
  const pending = pendingFocus;
  pendingFocus = false;
  return pending;
}
