/** The one form reachable without a session. The key goes in a POST body, never in a URL. */
export function LoginPage({ next, error }: { next: string; error?: string | undefined }) {
  return (
    <section class="card narrow">
      <h1>Log in</h1>
      <p class="muted">
        Use an API key (<code>quittance keys create</code>). A read key shows everything; actions need a write
        key.
      </p>
      {error ? (
        <p class="flash flash-error" role="alert">
          {error}
        </p>
      ) : null}
      <form class="stack" method="post" action="/dashboard/login">
        <input type="hidden" name="next" value={next} />
        <label>
          API key
          <input
            type="password"
            name="key"
            required
            autocomplete="current-password"
            autofocus
            spellcheck={false}
          />
        </label>
        <button type="submit">Log in</button>
      </form>
    </section>
  );
}
