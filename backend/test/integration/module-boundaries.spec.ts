import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MODULE_METADATA } from '@nestjs/common/constants.js';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/*
 * Each feature module owns its data: no file reaches into another module's repository or
 * schema, infra and common know nothing of the modules, and a module exports services only.
 * A type-only import of another module's schema (its `…Doc` type, to pass a document a
 * service returned) is allowed: it compiles away and can't touch the model.
 */

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
const MODULES = join(SRC, 'modules');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

interface Import {
  /** Resolved path of the imported file, `.js` mapped back to `.ts`. */
  target: string;
  typeOnly: boolean;
}

function importsOf(file: string): Import[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const found: Import[] = [];
  for (const stmt of source.statements) {
    let spec: ts.Expression | undefined;
    let typeOnly = false;
    if (ts.isImportDeclaration(stmt)) {
      spec = stmt.moduleSpecifier;
      const clause = stmt.importClause;
      const named = clause?.namedBindings;
      typeOnly =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name && !!named && ts.isNamedImports(named) && named.elements.every((e) => e.isTypeOnly)));
    } else if (ts.isExportDeclaration(stmt) && stmt.moduleSpecifier) {
      spec = stmt.moduleSpecifier;
      typeOnly = stmt.isTypeOnly;
    }
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) continue;
    found.push({ target: resolve(dirname(file), spec.text.replace(/\.js$/, '.ts')), typeOnly });
  }
  return found;
}

/** `chat` for `src/modules/chat/…`, else null. */
function moduleOf(file: string): string | null {
  const rel = relative(MODULES, file);
  return rel.startsWith('..') || !rel.includes(sep) ? null : rel.split(sep)[0];
}

const isData = (file: string) => /\.(repository|schema)\.ts$/.test(file);

describe('module boundaries', () => {
  it('no module imports another module’s repository or schema (schema types excepted)', () => {
    const offences: string[] = [];
    for (const file of tsFiles(MODULES)) {
      const own = moduleOf(file);
      if (!own) continue;
      for (const imp of importsOf(file)) {
        const other = moduleOf(imp.target);
        if (!other || other === own || !isData(imp.target)) continue;
        if (imp.target.endsWith('.schema.ts') && imp.typeOnly) continue;
        offences.push(`${relative(SRC, file)} → ${relative(SRC, imp.target)}`);
      }
    }
    expect(offences).toEqual([]);
  });

  it('infra, common and config import nothing from modules/', () => {
    const offences = ['infra', 'common', 'config'].flatMap((dir) =>
      tsFiles(join(SRC, dir)).flatMap((file) =>
        importsOf(file)
          .filter((imp) => moduleOf(imp.target) !== null)
          .map((imp) => `${relative(SRC, file)} → ${relative(SRC, imp.target)}`),
      ),
    );
    expect(offences).toEqual([]);
  });

  it('every feature module exports services only, and the module graph has no cycle', async () => {
    const moduleFiles = tsFiles(MODULES).filter((f) => f.endsWith('.module.ts'));
    // The modules the issue names, plus sessions (the piece split out of auth) and services (Serviços).
    expect(moduleFiles.map(moduleOf).sort()).toEqual(
      [
        'audit',
        'auth',
        'chat',
        'clients',
        'documents',
        'files',
        'firms',
        'health',
        'jobs',
        'notifications',
        'portal',
        'presence',
        'realtime',
        'services',
        'sessions',
        'staff',
      ].sort(),
    );
    const classes = new Map<unknown, string>();
    for (const file of moduleFiles) {
      const exported = Object.values((await import(pathToFileURL(file).href)) as Record<string, unknown>);
      for (const value of exported) if (typeof value === 'function') classes.set(value, value.name);
    }
    const edges = new Map<string, string[]>();
    for (const [cls, name] of classes) {
      const exports = (Reflect.getMetadata(MODULE_METADATA.EXPORTS, cls as object) ?? []) as unknown[];
      for (const e of exports) {
        const exportedName = typeof e === 'function' ? e.name : String(e);
        expect(exportedName, `${name} exports ${exportedName}`).not.toMatch(/Repository$/);
      }
      const imports = (Reflect.getMetadata(MODULE_METADATA.IMPORTS, cls as object) ?? []) as unknown[];
      edges.set(
        name,
        imports.filter((i) => classes.has(i)).map((i) => classes.get(i) as string),
      );
    }
    // Depth-first search; a module met again while still on the path closes a cycle.
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (name: string, path: string[]) => {
      if (state.get(name) === 'done') return;
      if (state.get(name) === 'open') {
        cycles.push([...path.slice(path.indexOf(name)), name].join(' → '));
        return;
      }
      state.set(name, 'open');
      for (const next of edges.get(name) ?? []) visit(next, [...path, name]);
      state.set(name, 'done');
    };
    for (const name of edges.keys()) visit(name, []);
    expect(cycles).toEqual([]);
  });
});
