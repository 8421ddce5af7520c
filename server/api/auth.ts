import type { Metadata } from "@grpc/grpc-js";

export type Role = "claimer" | "operator" | "admin";

export interface Caller {
  /** Who is calling: the authenticated identity once the API has authentication. */
  identity: string;
  roles: ReadonlySet<Role>;
}

/** The role each rpc needs. */
export const REQUIRED_ROLE: Record<string, Role> = {
  CreateClaim: "claimer",
  WatchClaim: "claimer",
  GetClaim: "claimer",
  // By claim id it needs the operator role as well (service.ts).
  GetClaimTimeline: "claimer",
  CancelClaim: "claimer",
  RenewLease: "claimer",
  ReleaseLease: "claimer",
  ListNodes: "claimer",
  GetNode: "claimer",
  ListLabels: "claimer",
  ListProviders: "claimer",
  ListImages: "claimer",
  GetImageBuild: "claimer",
  // Authorised by its lease token, like RenewLease.
  SnapshotNode: "claimer",
  BuildImage: "operator",
  SetImageFamilyPaused: "operator",
  DeleteImageBuild: "operator",
  DeleteNode: "operator",
  SetProviderMode: "operator",
  ReloadConfig: "admin",
  ListHolds: "claimer",
  GetHold: "claimer",
  ListHoldRules: "claimer",
  HoldNode: "operator",
  ReleaseHold: "operator",
  AddHoldKey: "operator",
  SnapshotHold: "operator",
  CreateHoldRule: "operator",
  DeleteHoldRule: "operator",
};

/**
 * The one place every API call is authenticated and authorised. Today the API
 * listens on a trusted address without TLS, so every caller is anonymous with
 * every role; TLS/mTLS and per-client tokens with roles plug in here.
 */
export function authorize(_method: string, _metadata: Metadata): Caller {
  return { identity: "anonymous", roles: new Set<Role>(["claimer", "operator", "admin"]) };
}
