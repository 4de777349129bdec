import { useEffect, useMemo } from 'react';
import { type TaskEvents, type TaskProgress, taskProgress } from '../live/feed';
import { useSession } from '../session';

/**
 * A job's or a report's progress as the live feed tells it; once it finished, the full resource is read
 * again (`reload`) for what the event does not carry (results, formats).
 */
export function useTaskProgress<T>(id: string | undefined, kinds: TaskEvents, reload: (id: string) => Promise<T>,
  onReloaded: (resource: T) => void): TaskProgress | null {
  const { events } = useSession();
  const state = useMemo(() => (id ? taskProgress(events, id, kinds) : null), [events, id, kinds]);
  const outcome = state?.outcome ?? null;
  useEffect(() => {
    if (id && outcome) void reload(id).then(onReloaded, () => undefined);
  }, [id, outcome]);  // once per outcome, not on every render
  return state;
}
