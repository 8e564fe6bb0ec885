// Filled in as the code moves behind the seam (./event-store.ts).
export interface EventRetention {}
