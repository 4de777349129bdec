import { useCallback, useEffect, useState } from 'react';
import { ROLES, type Role, type UserPage, changeRole, deleteUser, listUsers } from '../api/auth';
import { type Severity, broadcast } from '../api/notifications';
import { ErrorSummary, Field, errorsOf, useSubmit } from '../components/forms';
import { useSession } from '../session';

const PAGE_SIZE = 20;

export function AdminPage() {
  const { api, user } = useSession();
  const [page, setPage] = useState(0);
  const [filter, setFilter] = useState('');
  const [users, setUsers] = useState<UserPage | null>(null);
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);

  const load = useCallback(() => {
    listUsers(api, page, PAGE_SIZE, filter || undefined).then(setUsers, (e) => setStatus({ text: errorsOf(e).summary, error: true }));
  }, [api, page, filter]);
  useEffect(load, [load]);

  const act = async (what: string, action: () => Promise<unknown>) => {
    setStatus(null);
    try {
      await action();
      setStatus({ text: what, error: false });
      load();
    } catch (e) {
      setStatus({ text: errorsOf(e).summary, error: true });
    }
  };

  return (
    <>
      <section aria-label="Users">
        <h2>Users</h2>
        <div className="field inline">
          <label htmlFor="user-filter">Email contains</label>
          <input id="user-filter" type="search" value={filter} onChange={(e) => { setPage(0); setFilter(e.target.value); }} />
        </div>
        <p role={status?.error ? 'alert' : 'status'} className={status?.error ? 'error-summary' : 'notice'}>{status?.text ?? ''}</p>
        {users ? (
          <>
            <table>
              <caption>{users.total_items} {users.total_items === 1 ? "user" : "users"}, page {users.page + 1} of {Math.max(1, users.total_pages)}</caption>
              <thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Created</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
              <tbody>
                {users.items.map((u) => (
                  <tr key={u.id}>
                    <td>{u.email}</td>
                    <td>{u.name}</td>
                    <td>
                      <label className="visually-hidden" htmlFor={`role-${u.id}`}>Role of {u.email}</label>
                      <select id={`role-${u.id}`} value={u.role}
                        onChange={(e) => void act(`${u.email} is now ${e.target.value}.`, async () => {
                          const updated = await changeRole(api, u.id, e.target.value as Role);
                          setUsers((current) => current && { ...current, items: current.items.map((x) => (x.id === updated.id ? updated : x)) });
                        })}>
                        {ROLES.map((r) => <option key={r}>{r}</option>)}
                      </select>
                    </td>
                    <td>{new Date(u.created_at).toLocaleDateString()}</td>
                    <td>
                      <button type="button" disabled={u.id === user?.id}
                        onClick={() => window.confirm(`Delete ${u.email}? This cannot be undone.`) && void act(`${u.email} was deleted.`, () => deleteUser(api, u.id))}>
                        Delete<span className="visually-hidden"> {u.email}</span>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <nav aria-label="Pages of users" className="pager">
              <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>Previous</button>
              <button type="button" disabled={page + 1 >= users.total_pages} onClick={() => setPage(page + 1)}>Next</button>
            </nav>
          </>
        ) : <p>Loading…</p>}
      </section>
      <BroadcastForm />
    </>
  );
}

function BroadcastForm() {
  const { api } = useSession();
  const [title, setTitle] = useState('');
  const [message, setMessage] = useState('');
  const [severity, setSeverity] = useState<Severity>('info');
  const [sent, setSent] = useState<string | null>(null);
  const { busy, errors, submit } = useSubmit(async () => {
    setSent(null);
    const accepted = await broadcast(api, { ...(title ? { title } : {}), message, severity });
    setSent(`Broadcast ${accepted.broadcast_id} sent at ${new Date(accepted.sent_at).toLocaleTimeString()}.`);
    setMessage('');
  });
  return (
    <section aria-label="Broadcast">
      <h2>Broadcast to everyone</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <ErrorSummary errors={errors} />
        <Field label="Title (optional)" name="title" errors={errors}>
          {(p) => <input {...p} value={title} onChange={(e) => setTitle(e.target.value)} />}
        </Field>
        <Field label="Message" name="message" errors={errors}>
          {(p) => <textarea {...p} required rows={3} value={message} onChange={(e) => setMessage(e.target.value)} />}
        </Field>
        <Field label="Severity" name="severity" errors={errors}>
          {(p) => (
            <select {...p} value={severity} onChange={(e) => setSeverity(e.target.value as Severity)}>
              <option>info</option><option>warning</option><option>critical</option>
            </select>
          )}
        </Field>
        <button type="submit" disabled={busy}>{busy ? 'Sending…' : 'Send'}</button>
        <p role="status" className="notice">{sent ?? ''}</p>
      </form>
    </section>
  );
}
