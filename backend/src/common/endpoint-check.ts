import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { allEndpoints, type EndpointDef } from '../contract/index.js';
import { endpointOf } from './endpoint.decorator.js';

export interface MappedHandler {
  /** `Controller.method`, for the message. */
  name: string;
  def: EndpointDef | undefined;
}

/**
 * Every handler Nest maps must come from the contract table, and every table entry must be
 * mapped exactly once; otherwise the api does not start (and the guard has no rule to apply).
 */
export function checkEndpoints(
  mapped: MappedHandler[],
  table: { name: string; def: EndpointDef }[] = allEndpoints(),
): void {
  const problems: string[] = [];
  const count = new Map<EndpointDef, number>();
  for (const m of mapped) {
    if (!m.def) problems.push(`${m.name} is mapped without @Endpoint(def) from the contract`);
    else count.set(m.def, (count.get(m.def) ?? 0) + 1);
  }
  const known = new Set(table.map((t) => t.def));
  for (const m of mapped) {
    if (m.def && !known.has(m.def))
      problems.push(`${m.name} maps ${m.def.method} ${m.def.path}, not in the table`);
  }
  for (const { name, def } of table) {
    const n = count.get(def) ?? 0;
    if (n !== 1) problems.push(`api.${name} (${def.method} ${def.path}) is mapped ${n} times, not once`);
  }
  if (problems.length) throw new Error(`HTTP routes do not match the contract:\n- ${problems.join('\n- ')}`);
}

@Injectable()
export class EndpointCheck implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onApplicationBootstrap(): void {
    checkEndpoints(this.mappedHandlers());
  }

  /** Every controller method Nest maps to a route, with the definition it was mapped with. */
  mappedHandlers(): MappedHandler[] {
    const mapped: MappedHandler[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const proto = (wrapper.metatype as { prototype?: object } | undefined)?.prototype;
      if (!proto) continue;
      for (const method of this.scanner.getAllMethodNames(proto)) {
        const handler = (proto as Record<string, object>)[method];
        // Nest's route metadata (`@Get`, `@Endpoint`, …) is the `path` key on the handler.
        if (Reflect.getMetadata('path', handler) === undefined) continue;
        mapped.push({ name: `${wrapper.name}.${method}`, def: endpointOf(handler) });
      }
    }
    return mapped;
  }
}
