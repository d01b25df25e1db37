"use client";
/**
 * The studio's profile form: name, bio, links and an avatar, signed by the wallet (EIP-712
 * `Profile`, core/src/profiles/profile.ts) and published through POST /api/profile. The avatar is
 * uploaded first (POST /api/profile/avatar → its CID), so the signature covers the image itself.
 * The fields are checked here with the server's own rules before the wallet is asked to sign.
 */
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import type { Address } from "viem";
import { PROFILE_LIMITS, profileIssue, profileTypedData, type Profile, type ProfileIssue } from "@ai-films/core/profiles/profile";
import { reasonOf, useApiErrors } from "@/i18n/apiErrors";
import { openConnectModal } from "@/lib/client/events";
import { CHAIN_ID } from "@/lib/config";
import { friendlyError } from "@/lib/wallet/errors";
import { connectedWallet, walletActions } from "@/lib/wallet/lazy";

export interface ProfileProps {
  account: Address;
  current: { name: string; bio: string; avatarCid: string | null; links: string[]; updatedAt: number } | null;
}

/** No wallet code at load: wagmi arrives with the first signature (lib/wallet/lazy). */
export default function ProfileIsland(props: ProfileProps) {
  return <ProfileForm {...props} />;
}

const AVATAR_KIB = PROFILE_LIMITS.avatarMaxBytes / 1024;

/** What is wrong with the fields (core's rules, the server's own), in the viewer's words. */
function useProfileIssue(): (issue: ProfileIssue) => string {
  const t = useTranslations("studio.profile.issues");
  return (issue) => {
    switch (issue.kind) {
      case "nameLength":
      case "bioLength":
      case "tooManyLinks":
      case "linkLength":
        return t(issue.kind, { max: issue.max });
      case "linkNotUrl":
      case "linkNotHttps":
        return t(issue.kind, { link: issue.link });
      default:
        return t(issue.kind);
    }
  };
}

function ProfileForm({ account, current }: ProfileProps) {
  const router = useRouter();
  const t = useTranslations("studio.profile");
  const tw = useTranslations("studio.wallet");
  const apiError = useApiErrors();
  const issueText = useProfileIssue();
  /** A refused request in the viewer's words; the server's English message goes to the console. */
  async function messageOf(res: Response): Promise<string> {
    const body = (await res.json().catch(() => null)) as { message?: string } | null;
    if (body?.message) console.warn("profile:", reasonOf(body), body.message);
    return apiError(body);
  }
  const [name, setName] = useState(current?.name ?? "");
  const [bio, setBio] = useState(current?.bio ?? "");
  const [links, setLinks] = useState((current?.links ?? []).join("\n"));
  const [avatar, setAvatar] = useState<string>(current?.avatarCid ?? "");
  const [file, setFile] = useState<File | null>(null);
  const [status, setStatus] = useState<{ kind: "idle" | "working" | "done" | "error"; message?: string }>({ kind: "idle" });

  async function publish(event: React.FormEvent) {
    event.preventDefault();
    setStatus({ kind: "working", message: tw("opening") });
    const { address, isConnected } = await connectedWallet().catch(() => ({ address: undefined, isConnected: false }));
    if (!isConnected) {
      setStatus({ kind: "idle" });
      return openConnectModal();
    }
    if (address?.toLowerCase() !== account.toLowerCase()) return setStatus({ kind: "error", message: t("wrongAccount") });
    const fields = {
      name: name.normalize("NFC").trim().replace(/\s+/g, " "),
      bio: bio.normalize("NFC").replace(/\r\n?/g, "\n").trim(),
      links: links
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean),
      avatar,
    };
    const issue = profileIssue(fields);
    if (issue) return setStatus({ kind: "error", message: issueText(issue) });
    try {
      let avatarCid = avatar;
      if (file) {
        if (file.size > PROFILE_LIMITS.avatarMaxBytes)
          return setStatus({ kind: "error", message: t("avatarTooLarge", { kib: AVATAR_KIB }) });
        setStatus({ kind: "working", message: t("uploading") });
        const res = await fetch("/api/profile/avatar", {
          method: "POST",
          headers: { "Content-Type": file.type || "application/octet-stream" },
          credentials: "same-origin",
          body: file,
        });
        if (!res.ok) return setStatus({ kind: "error", message: await messageOf(res) });
        avatarCid = ((await res.json()) as { cid: string }).cid;
        setAvatar(avatarCid);
        setFile(null);
      }
      // Never older than the published one, even with a clock that runs behind.
      const updatedAt = BigInt(Math.max(Math.floor(Date.now() / 1000), (current?.updatedAt ?? 0) + 1));
      const profile: Profile = { account, ...fields, avatar: avatarCid, updatedAt };
      setStatus({ kind: "working", message: t("signing") });
      const signature = await (await walletActions()).signTyped(profileTypedData(CHAIN_ID, profile));
      const res = await fetch("/api/profile", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ profile: { ...profile, updatedAt: updatedAt.toString() }, signature }),
      });
      if (!res.ok) return setStatus({ kind: "error", message: await messageOf(res) });
      setStatus({ kind: "done", message: t("saved") });
      router.refresh();
    } catch (e) {
      setStatus({ kind: "error", message: friendlyError(e).message });
    }
  }

  const busy = status.kind === "working";
  return (
    <form className="profile-form" onSubmit={(e) => void publish(e)} data-testid="profile-form">
      <label>
        {t("name")}
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={PROFILE_LIMITS.nameMax}
          required
          data-testid="profile-name"
        />
      </label>
      <label>
        {t("bio")}
        <textarea value={bio} onChange={(e) => setBio(e.target.value)} maxLength={PROFILE_LIMITS.bioMax} data-testid="profile-bio" />
      </label>
      <label>
        {t("links", { max: PROFILE_LIMITS.linksMax })}
        <textarea value={links} onChange={(e) => setLinks(e.target.value)} data-testid="profile-links" />
      </label>
      <label>
        {t("avatar", { kib: AVATAR_KIB })}
        <input
          type="file"
          accept="image/png,image/jpeg,image/webp,image/gif"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          data-testid="profile-avatar"
        />
      </label>
      {avatar && !file && (
        <p className="creator-label">
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img className="avatar" src={`/ipfs/${avatar}`} alt={t("currentAvatar")} width={24} height={24} />
          <button type="button" className="btn btn-ghost" onClick={() => setAvatar("")} data-testid="profile-remove-avatar">
            {t("removeAvatar")}
          </button>
        </p>
      )}
      <button className="btn btn-primary" type="submit" disabled={busy} data-testid="profile-save">
        {t("save")}
      </button>
      {status.message && (
        <p
          className={status.kind === "error" ? "error" : status.kind === "done" ? "success" : "muted"}
          role={status.kind === "error" ? "alert" : "status"}
          data-testid="profile-status"
          data-state={status.kind}
        >
          {status.message}
        </p>
      )}
    </form>
  );
}
