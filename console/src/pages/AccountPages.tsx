import { useState } from 'react';
import { register } from '../api/auth';
import { ErrorSummary, Field, useSubmit } from '../components/forms';
import { useSession } from '../session';

export function SignInPage({ onSignUp }: { onSignUp: () => void }) {
  const { signIn, endedReason } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, errors, submit } = useSubmit(() => signIn(email, password));
  return (
    <section className="narrow">
      <h1>Sign in</h1>
      {endedReason ? <p role="status" className="notice">{endedReason}</p> : null}
      <form onSubmit={(e) => void submit(e)} noValidate aria-describedby="signin-errors">
        <div id="signin-errors"><ErrorSummary errors={errors} /></div>
        <Field label="Email" name="email" errors={errors}>
          {(p) => <input {...p} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <Field label="Password" name="password" errors={errors}>
          {(p) => <input {...p} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
      <p>
        No account yet? <button type="button" className="link" onClick={onSignUp}>Sign up</button>
      </p>
    </section>
  );
}

export function SignUpPage({ onSignIn }: { onSignIn: () => void }) {
  const { api, signIn } = useSession();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const { busy, errors, submit } = useSubmit(async () => {
    await register(api, { email, name, password });
    await signIn(email, password);
  });
  return (
    <section className="narrow">
      <h1>Sign up</h1>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <ErrorSummary errors={errors} />
        <Field label="Email" name="email" errors={errors}>
          {(p) => <input {...p} type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <Field label="Name" name="name" errors={errors} hint="2 to 100 characters">
          {(p) => <input {...p} autoComplete="name" required minLength={2} maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Password" name="password" errors={errors} hint="At least 12 characters, not a common password">
          {(p) => <input {...p} type="password" autoComplete="new-password" required minLength={12} value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        <button type="submit" disabled={busy}>{busy ? 'Creating your account…' : 'Create account'}</button>
      </form>
      <p>
        Already have an account? <button type="button" className="link" onClick={onSignIn}>Sign in</button>
      </p>
    </section>
  );
}
