import type Database from 'better-sqlite3';
import type { CheckRow, NodeRow, ServiceRow } from './catalog-rows.js';

type Stmt<Params extends unknown[], Row = unknown> = Database.Statement<Params, Row>;

/** The catalog's statements, prepared once per connection. */
export interface CatalogStatements {
  node: Stmt<[string], NodeRow>;
  nodes: Stmt<[], NodeRow>;
  insertNode: Stmt<[string, string, number, number, number]>;
  setNodeAddress: Stmt<[string, number, string]>;
  touchNodeChecks: Stmt<[number, string]>;
  service: Stmt<[string, string], ServiceRow>;
  servicesByName: Stmt<[string], ServiceRow>;
  servicesOfNode: Stmt<[string], ServiceRow>;
  allServices: Stmt<[], Pick<ServiceRow, 'name' | 'tags'>>;
  upsertService: Stmt<[string, string, string, string, string, number, string, number, number]>;
  deleteService: Stmt<[string, string]>;
  check: Stmt<[string, string], CheckRow>;
  checksOfNode: Stmt<[string], CheckRow>;
  checksOfService: Stmt<[string, string], CheckRow>;
  nodeLevelChecks: Stmt<[string], CheckRow>;
  insertCheck: Stmt<[string, string, string, string, string, string, string, string, string, string, number | null, number | null, number, number]>;
  deleteCheck: Stmt<[string, string]>;
  deleteChecksOfService: Stmt<[string, string]>;
  setCheckState: Stmt<[string, string, number | null, number, string, string]>;
  setCheckExpiry: Stmt<[number | null, string, string]>;
  nextExpiry: Stmt<[], { at: number | null }>;
  expired: Stmt<[number], CheckRow>;
  nameIndex: Stmt<[string], { modify_index: number }>;
  touchName: Stmt<[string, number]>;
}

export function prepareCatalogStatements(db: Database.Database): CatalogStatements {
  return {
    node: db.prepare<[string], NodeRow>(`SELECT * FROM nodes WHERE node = ?`),
    nodes: db.prepare<[], NodeRow>(`SELECT * FROM nodes ORDER BY node`),
    insertNode: db.prepare<[string, string, number, number, number]>(
      `INSERT INTO nodes (node, address, create_index, modify_index, checks_index) VALUES (?, ?, ?, ?, ?)`,
    ),
    setNodeAddress: db.prepare<[string, number, string]>(`UPDATE nodes SET address = ?, modify_index = ? WHERE node = ?`),
    touchNodeChecks: db.prepare<[number, string]>(`UPDATE nodes SET checks_index = ? WHERE node = ?`),

    service: db.prepare<[string, string], ServiceRow>(`SELECT * FROM services WHERE node = ? AND id = ?`),
    servicesByName: db.prepare<[string], ServiceRow>(`SELECT * FROM services WHERE name = ? ORDER BY node, id`),
    servicesOfNode: db.prepare<[string], ServiceRow>(`SELECT * FROM services WHERE node = ? ORDER BY id`),
    allServices: db.prepare<[], Pick<ServiceRow, 'name' | 'tags'>>(`SELECT name, tags FROM services ORDER BY name`),
    upsertService: db.prepare<[string, string, string, string, string, number, string, number, number]>(
      `INSERT INTO services (node, id, name, tags, address, port, meta, create_index, modify_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (node, id) DO UPDATE SET name = excluded.name, tags = excluded.tags, address = excluded.address,
         port = excluded.port, meta = excluded.meta, modify_index = excluded.modify_index`,
    ),
    deleteService: db.prepare<[string, string]>(`DELETE FROM services WHERE node = ? AND id = ?`),

    check: db.prepare<[string, string], CheckRow>(`SELECT * FROM checks WHERE node = ? AND id = ?`),
    checksOfNode: db.prepare<[string], CheckRow>(`SELECT * FROM checks WHERE node = ? ORDER BY id`),
    checksOfService: db.prepare<[string, string], CheckRow>(`SELECT * FROM checks WHERE node = ? AND service_id = ? ORDER BY id`),
    nodeLevelChecks: db.prepare<[string], CheckRow>(`SELECT * FROM checks WHERE node = ? AND service_id = '' ORDER BY id`),
    insertCheck: db.prepare<
      [string, string, string, string, string, string, string, string, string, string, number | null, number | null, number, number]
    >(
      `INSERT INTO checks (node, id, name, status, output, notes, service_id, service_name, type, definition, ttl_ms, expires_at, create_index, modify_index)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    deleteCheck: db.prepare<[string, string]>(`DELETE FROM checks WHERE node = ? AND id = ?`),
    deleteChecksOfService: db.prepare<[string, string]>(`DELETE FROM checks WHERE node = ? AND service_id = ?`),
    setCheckState: db.prepare<[string, string, number | null, number, string, string]>(
      `UPDATE checks SET status = ?, output = ?, expires_at = ?, modify_index = ? WHERE node = ? AND id = ?`,
    ),
    setCheckExpiry: db.prepare<[number | null, string, string]>(`UPDATE checks SET expires_at = ? WHERE node = ? AND id = ?`),
    nextExpiry: db.prepare<[], { at: number | null }>(`SELECT min(expires_at) AS at FROM checks WHERE expires_at IS NOT NULL`),
    expired: db.prepare<[number], CheckRow>(`SELECT * FROM checks WHERE expires_at IS NOT NULL AND expires_at <= ? ORDER BY node, id`),

    nameIndex: db.prepare<[string], { modify_index: number }>(`SELECT modify_index FROM service_names WHERE name = ?`),
    touchName: db.prepare<[string, number]>(
      `INSERT INTO service_names (name, modify_index) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET modify_index = excluded.modify_index`,
    ),
  };
}
