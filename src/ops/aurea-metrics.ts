// Every metric Aurea exports, declared in one place so that the processing thread's
// registry and the HTTP thread's have the same names (the thread sends increments).
import { Registry } from "./metrics";

export function aureaMetrics(registry = new Registry()) {
  const r = registry;
  return {
    registry: r,
    ingestRequests: r.counter("aurea_ingest_requests_total", "Ingest requests answered, by HTTP status and error code"),
    eventsAccepted: r.counter("aurea_events_accepted_total", "Events acknowledged with 202 by the ingest endpoint"),
    eventsProcessed: r.counter("aurea_events_processed_total", "Events written to the database by processing"),
    eventsDropped: r.counter("aurea_events_dropped_total", "Events not stored, by reason: invalid, bot, duplicate, parked"),
    ingestCommit: r.histogram("aurea_ingest_commit_seconds", "Writing a group of accepted batches to the queue (one transaction)"),
    ingestFsync: r.histogram("aurea_ingest_fsync_seconds", "fsync of the queue's WAL before batches are acknowledged"),
    processingCommit: r.histogram("aurea_processing_commit_seconds", "One processing run's transaction on the main database"),
    processingFsync: r.histogram("aurea_processing_fsync_seconds", "fsync of the main database's WAL that confirms processed batches"),
    dashboard: r.histogram("aurea_dashboard_request_seconds", "Dashboard pages and read API requests, from request to answer"),
    storageErrors: r.counter("aurea_storage_errors_total", "Storage errors (disk full, I/O errors), by where and fault"),
    processingRestarts: r.counter("aurea_processing_thread_restarts_total", "Times the processing thread died and was restarted"),
  };
}

export type AureaMetrics = ReturnType<typeof aureaMetrics>;
