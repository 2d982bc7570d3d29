import { useState, type FormEvent } from 'react';
import type { ScheduleSettingsDto } from '@envmgr/api-contract';
import { Problem } from '../components/problem.js';
import { useLoad } from '../components/use-load.js';
import { useClient, useSession } from '../session/session.js';

/** An environment's schedule: its settings, an override with an end, and what it says now or at a what-if time. */
export function EnvironmentSchedule({ name, onChanged }: { name: string; onChanged: () => void }) {
  const client = useClient();
  const settings = useLoad(() => client.schedule(name), [client, name]);
  const [tick, setTick] = useState(0);
  const changed = () => {
    settings.reload();
    setTick((t) => t + 1);
    onChanged();
  };
  return (
    <section aria-labelledby="schedule">
      <h2 id="schedule">Schedule</h2>
      <Problem error={settings.error} />
      {settings.data && <ScheduleSettingsForm key={JSON.stringify(settings.data)} name={name} settings={settings.data} onSaved={changed} />}
      {settings.data && <ScheduleOverride name={name} settings={settings.data} onSaved={changed} />}
      <ScheduleWhatIf name={name} tick={tick} />
    </section>
  );
}

function ScheduleSettingsForm({ name, settings, onSaved }: { name: string; settings: ScheduleSettingsDto; onSaved: () => void }) {
  const client = useClient();
  const { can } = useSession();
  const allowed = can('PUT', `/environments/${name}/schedule`);
  const [form, setForm] = useState({ up: settings.manualScheduleUp, auto: settings.scheduleAutomatically, schedule: settings.defaultSchedule ?? '' });
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      await client.setSchedule(name, { manualScheduleUp: form.up, scheduleAutomatically: form.auto, defaultSchedule: form.schedule.trim() || null });
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="grid-form" onSubmit={(e) => void submit(e)} aria-labelledby="schedule-settings">
      <h3 id="schedule-settings">Settings</h3>
      <fieldset disabled={!allowed} className="contents">
        <legend className="visually-hidden">Schedule settings</legend>
        <label htmlFor="sch-up">Always on</label>
        <input id="sch-up" type="checkbox" checked={form.up} onChange={(e) => setForm({ ...form, up: e.target.checked })} />
        <label htmlFor="sch-auto">Follow the schedule</label>
        <input id="sch-auto" type="checkbox" checked={form.auto} onChange={(e) => setForm({ ...form, auto: e.target.checked })} />
        <label htmlFor="sch-text">Default schedule</label>
        <input id="sch-text" placeholder="start: 0 8 * * 1-5; stop: 0 19 * * 1-5 | Europe/London" value={form.schedule} onChange={(e) => setForm({ ...form, schedule: e.target.value })} />
        {allowed && (
          <div className="actions">
            <button type="submit">Save schedule</button>
          </div>
        )}
      </fieldset>
      <Problem error={error} />
    </form>
  );
}

/** A `datetime-local` value `hours` from now, in local time. */
function localInput(hoursAhead: number): string {
  const d = new Date(Date.now() + hoursAhead * 3_600_000);
  d.setMinutes(d.getMinutes() - d.getTimezoneOffset(), 0, 0);
  return d.toISOString().slice(0, 16);
}

function ScheduleOverride({ name, settings, onSaved }: { name: string; settings: ScheduleSettingsDto; onSaved: () => void }) {
  const client = useClient();
  const { can } = useSession();
  const [form, setForm] = useState({ state: 'on' as 'on' | 'off', until: localInput(4), reason: '' });
  const [error, setError] = useState<unknown>();
  const o = settings.override;
  const act = async (what: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await what();
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void act(() => client.overrideSchedule(name, { state: form.state, until: new Date(form.until).toISOString(), ...(form.reason ? { reason: form.reason } : {}) }));
  };
  const base = `/environments/${name}/schedule-override`;
  return (
    <div aria-labelledby="schedule-override">
      <h3 id="schedule-override">Override</h3>
      <p aria-live="polite">
        {o?.active ? (
          <>
            Kept <strong>{o.state}</strong> until {new Date(o.until).toLocaleString()} by {o.setBy}
            {o.reason && ` (${o.reason})`}.{' '}
            {can('DELETE', base) && (
              <button type="button" onClick={() => void act(() => client.clearScheduleOverride(name))}>
                End override
              </button>
            )}
          </>
        ) : (
          'No override: the environment follows its schedule.'
        )}
      </p>
      {can('POST', base) && (
        <form className="toolbar" onSubmit={submit} aria-label="Override the schedule">
          <label htmlFor="ovr-state">Keep</label>
          <select id="ovr-state" value={form.state} onChange={(e) => setForm({ ...form, state: e.target.value === 'off' ? 'off' : 'on' })}>
            <option value="on">on</option>
            <option value="off">off</option>
          </select>
          <label htmlFor="ovr-until">until</label>
          <input id="ovr-until" type="datetime-local" required value={form.until} onChange={(e) => setForm({ ...form, until: e.target.value })} />
          <label htmlFor="ovr-reason">Reason</label>
          <input id="ovr-reason" maxLength={500} value={form.reason} onChange={(e) => setForm({ ...form, reason: e.target.value })} />
          <button type="submit">Override</button>
        </form>
      )}
      <Problem error={error} />
    </div>
  );
}

/** What the environment's schedule says now, or at a chosen time. */
function ScheduleWhatIf({ name, tick }: { name: string; tick: number }) {
  const client = useClient();
  const [at, setAt] = useState('');
  const iso = at ? new Date(at).toISOString() : undefined;
  const status = useLoad(() => client.scheduleStatus(name, iso), [client, name, iso, tick]);
  return (
    <div>
      <h3 id="schedule-status">Status</h3>
      <div className="toolbar">
        <label htmlFor="what-if">What if the time were</label>
        <input id="what-if" type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} />
        {at && (
          <button type="button" onClick={() => setAt('')}>
            Now
          </button>
        )}
      </div>
      <Problem error={status.error} />
      {status.data && (
        <p aria-live="polite" data-testid="schedule-answer">
          <strong>{status.data.Status}</strong> at {new Date(status.data.at).toLocaleString()} ({status.data.source}: {status.data.schedule || 'no schedule'}) —{' '}
          {status.data.reason}
        </p>
      )}
    </div>
  );
}
