// The Events view: the live event log, or a recording's events when one is open.
import { EventsTable } from '../../components/EventsTable';
import type { LoggedEvent } from '../../store/rows';

export function EventListView({ events }: { events: LoggedEvent[] }) {
  return <EventsTable events={events} />;
}
