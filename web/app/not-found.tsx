import Link from "next/link";

export default function NotFound() {
  return (
    <div className="account" data-testid="not-found">
      <h1>Not found</h1>
      <p className="muted">
        There is no such film or page. <Link href="/">Back to the catalogue</Link>.
      </p>
    </div>
  );
}
