/**
 * Who may do what: roles, departments, permissions, the data layers departments own and the grants
 * that share them, and the HTTP answers about sessions, accounts and grants. The server enforces
 * all of it (server/auth); the client reads it only to hide what a role cannot do.
 */
import { z } from 'zod';

/** Roles, from least to most trusted in operations; admin and auditor are apart (separation of duties, GB/T 22239). */
export const ROLES = ['viewer', 'planner', 'director', 'operator', 'admin', 'auditor'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Departments that own data layers and act within their remit (operators belong to one). */
export const DEPARTMENTS = ['traffic_police', 'environment', 'health', 'emergency_management', 'fire_rescue', 'urban_management'] as const;
export const Department = z.enum(DEPARTMENTS);
export type Department = z.infer<typeof Department>;

export const DEPARTMENT_NAMES: Record<Department, { zh: string; en: string }> = {
  traffic_police: { zh: '交警支队', en: 'Traffic police' },
  environment: { zh: '生态环境局', en: 'Environment bureau' },
  health: { zh: '卫生健康委', en: 'Health commission' },
  emergency_management: { zh: '应急管理局', en: 'Emergency management' },
  fire_rescue: { zh: '消防救援支队', en: 'Fire and rescue' },
  urban_management: { zh: '城市管理局', en: 'Urban management' },
};

export const ROLE_NAMES: Record<Role, { zh: string; en: string }> = {
  viewer: { zh: '浏览（领导）', en: 'Viewer' },
  planner: { zh: '规划分析', en: 'Planner' },
  director: { zh: '演练导调', en: 'Drill director' },
  operator: { zh: '部门值守', en: 'Department operator' },
  admin: { zh: '系统管理员', en: 'Administrator' },
  auditor: { zh: '审计员', en: 'Auditor' },
};

/**
 * What a principal may do. Run controls also depend on the run (see server/auth/policy.ts):
 * `run.control` covers one's own runs, `live.control` the live baseline and drills,
 * `runs.admin` anyone's runs; `dept.inject` the injects of one's department on any run.
 */
export const PERMISSIONS = [
  'view',
  'run.create',
  'run.control',
  'run.inject',
  'live.control',
  'whatif',
  'drill.direct',
  'dept.inject',
  'runs.admin',
  'accounts.manage',
  'grants.manage',
  'grants.own',
  'audit.read',
] as const;
export const Permission = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof Permission>;

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  viewer: ['view'],
  planner: ['view', 'run.create', 'run.control', 'run.inject', 'whatif'],
  director: ['view', 'run.create', 'run.control', 'run.inject', 'live.control', 'whatif', 'drill.direct'],
  operator: ['view', 'dept.inject', 'grants.own'],
  admin: ['view', 'runs.admin', 'accounts.manage', 'grants.manage'],
  auditor: ['audit.read'],
};

/** Injects a department's operators may make on any run (a prefix ends in '.'). */
export const DEPARTMENT_INJECTS: Record<Department, readonly string[]> = {
  traffic_police: ['traffic.'],
  environment: ['environment.release_rate'],
  health: [],
  emergency_management: ['emergency.evacuate', 'emergency.close', 'emergency.dispatch'],
  fire_rescue: ['emergency.dispatch'],
  urban_management: [],
};

/** True when an operator of `department` may make inject `kind`. */
export function departmentMayInject(department: Department | null, kind: string): boolean {
  if (!department) return false;
  return DEPARTMENT_INJECTS[department].some((k) => (k.endsWith('.') ? kind.startsWith(k) : kind === k));
}

/** A data layer a department owns, and the fields a grant may mask. */
export interface DataLayer {
  id: DataLayerId;
  owner: Department;
  name: { zh: string; en: string };
  /** Maskable fields, each with what it hides. */
  fields: Record<string, { zh: string; en: string }>;
}

export const DATA_LAYER_IDS = ['traffic.vehicles', 'environment.stations', 'health.hospitals', 'emergency.incidents'] as const;
export const DataLayerId = z.enum(DATA_LAYER_IDS);
export type DataLayerId = z.infer<typeof DataLayerId>;

export const DATA_LAYERS: Record<DataLayerId, DataLayer> = {
  'traffic.vehicles': {
    id: 'traffic.vehicles',
    owner: 'traffic_police',
    name: { zh: '车辆明细', en: 'Vehicle details' },
    fields: {
      trip: { zh: '车辆身份与行程（目的地、出行时长）', en: "A vehicle's identity and trip (destination, time travelling)" },
    },
  },
  'environment.stations': {
    id: 'environment.stations',
    owner: 'environment',
    name: { zh: '监测站原始读数与排放源', en: 'Station readings and emission sources' },
    fields: {
      readings: { zh: '站点原始浓度读数', en: 'Raw station concentrations' },
      sources: { zh: '排放源强度', en: 'Emission source rates' },
    },
  },
  'health.hospitals': {
    id: 'health.hospitals',
    owner: 'health',
    name: { zh: '医院床位与伤亡', en: 'Hospital beds and casualties' },
    fields: {
      beds: { zh: '各医院床位', en: 'Beds per hospital' },
      casualties: { zh: '伤亡明细与送医去向', en: 'Casualty details and where patients went' },
    },
  },
  'emergency.incidents': {
    id: 'emergency.incidents',
    owner: 'emergency_management',
    name: { zh: '事件、疏散与避难场所', en: 'Incidents, evacuations and shelters' },
    fields: {
      units: { zh: '救援力量位置与路线', en: 'Responder positions and routes' },
      shelters: { zh: '避难场所容量与人数', en: 'Shelter capacity and occupancy' },
    },
  },
};

/** Who a grant is for: every account of a role, or every account of a department. */
export const Grantee = z.strictObject({ kind: z.enum(['role', 'department']), id: z.string().min(1).max(64) });
export type Grantee = z.infer<typeof Grantee>;

/** Read access to a layer, with fields masked. */
export interface Grant {
  id: number;
  layer: DataLayerId;
  grantee: Grantee;
  masked: string[];
  grantedBy: string;
  /** UTC ISO time. */
  grantedAt: string;
}

/** POST /api/grants. */
export const GrantRequest = z.strictObject({
  layer: DataLayerId,
  grantee: Grantee,
  masked: z.array(z.string().min(1).max(64)).max(16).default([]),
});

/** What a principal gets of a layer: all of it, some fields masked, or nothing. */
export type LayerAccess = { access: 'full' } | { access: 'masked'; masked: string[] } | { access: 'none' };
/** A principal's access to every layer. */
export type DataView = Record<DataLayerId, LayerAccess>;

export type PrincipalKind = 'user' | 'device' | 'anonymous';

/** GET /api/session. */
export interface SessionInfo {
  principal: {
    kind: PrincipalKind;
    /** Account name, device name, or null when anonymous. */
    username: string | null;
    role: Role | null;
    department: Department | null;
  };
  permissions: Permission[];
  view: DataView;
  /** What a visitor who has not signed in may do: see the twin (viewer) or nothing (none). */
  anonymous: 'viewer' | 'none';
  /** A session ends after this much time without requests. */
  idleTimeoutS: number;
  /** True when the account must set a new password (a one-time password was used). */
  mustChangePassword: boolean;
  /** Origins besides this one that may serve tilesets and imagery (`?tileset=`, `?imagery=`). */
  allowedOrigins: string[];
}

/** POST /api/session: an account's password, or a wall screen's device token. */
export const SignInRequest = z.union([
  z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }),
  z.strictObject({ deviceToken: z.string().min(16).max(256) }),
]);

/**
 * A password an account may be given: 10 to 256 characters of at least two kinds among letters,
 * digits and others (GB/T 22239's complexity rule; a long passphrase of words and spaces passes).
 */
export const Password = z
  .string()
  .min(10)
  .max(256)
  .refine((p) => [/[A-Za-z]/, /\d/, /[^A-Za-z\d]/].filter((kind) => kind.test(p)).length >= 2, {
    message: 'expected at least two kinds of characters among letters, digits and others',
  });

/** POST /api/session/password. */
export const ChangePasswordRequest = z.strictObject({ current: z.string().min(1).max(256), next: Password });

export const USERNAME = /^[a-z][a-z0-9_.-]{1,31}$/;

/** An account as admins see it (GET /api/users). */
export interface Account {
  username: string;
  role: Role;
  department: Department | null;
  disabled: boolean;
  mustChangePassword: boolean;
  /** UTC ISO times. */
  createdAt: string;
  lastSignInAt: string | null;
  lockedUntil: string | null;
}

/** POST /api/users. Without a password a one-time one is made and answered once. */
export const CreateAccountRequest = z.strictObject({
  username: z.string().regex(USERNAME, 'expected 2–32 lower-case letters, digits, "_", "." or "-", starting with a letter'),
  role: Role,
  department: Department.nullable().default(null),
  password: Password.optional(),
});

/** PATCH /api/users/:username. */
export const UpdateAccountRequest = z.strictObject({
  role: Role.optional(),
  department: Department.nullable().optional(),
  disabled: z.boolean().optional(),
});

/** A read-only device token for a wall screen (GET /api/devices); the token itself is shown once, when made. */
export interface DeviceToken {
  id: number;
  name: string;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export const CreateDeviceRequest = z.strictObject({ name: z.string().min(1).max(64) });

/** One audit record (GET /api/audit). */
export interface AuditRecord {
  seq: number;
  /** UTC ISO time. */
  at: string;
  actor: string;
  role: string;
  action: string;
  target: string;
  result: 'ok' | 'denied' | 'failed';
  address: string;
  detail: string | null;
  hash: string;
}

/** GET /api/audit's filters. */
export const AuditQuery = z.strictObject({
  actor: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  result: z.enum(['ok', 'denied', 'failed']).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  /** Records before this sequence number (paging back). */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AuditQuery = z.infer<typeof AuditQuery>;
