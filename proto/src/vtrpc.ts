/** Types of Vitess's `vtrpc` proto package. */

/** vtrpc.Code: Vitess's error codes; 0–16 are the gRPC status codes. */
export enum Code {
  OK = 0,
  CANCELED = 1,
  UNKNOWN = 2,
  INVALID_ARGUMENT = 3,
  DEADLINE_EXCEEDED = 4,
  NOT_FOUND = 5,
  ALREADY_EXISTS = 6,
  PERMISSION_DENIED = 7,
  RESOURCE_EXHAUSTED = 8,
  FAILED_PRECONDITION = 9,
  ABORTED = 10,
  OUT_OF_RANGE = 11,
  UNIMPLEMENTED = 12,
  INTERNAL = 13,
  UNAVAILABLE = 14,
  DATA_LOSS = 15,
  UNAUTHENTICATED = 16,
  CLUSTER_EVENT = 17,
  READ_ONLY = 18,
}

/** vtrpc.CallerID: who issued a request (informational). */
export interface CallerID {
  principal: string;
  component: string;
  subcomponent: string;
  groups: string[];
}
