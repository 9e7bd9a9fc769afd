// dbt's node selection for the docs site's graph filter, over the embedded site data:
// `name`, `stg.*`, `path:models/cur`, `tag:x`, `resource_type:model`, `source:raw`,
// `package:mdw`, `config.materialized:table`, with `+x`, `x+`, `2+x`, `x+1`, `@x`,
// unions (space) and intersections (comma). A unit test checks it against mdw's own selector.
((root) => {
  function globToRegExp(pattern, isPath) {
    let out = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === '*') {
        if (isPath && pattern[i + 1] === '*') {
          out += '.*';
          i++;
        } else out += isPath ? '[^/]*' : '.*';
      } else if (c === '?') out += isPath ? '[^/]' : '.';
      else out += c.replace(/[\\^$.|+(){}[\]]/g, '\\$&');
    }
    return new RegExp(`^${out}$`);
  }

  function nameMatches(pattern, value) {
    return /[*?]/.test(pattern) ? globToRegExp(pattern, false).test(value) : pattern === value;
  }

  function fqnMatches(selector, fqn) {
    const parts = selector.split('.');
    const prefixFrom = (offset) =>
      parts.length <= fqn.length - offset && parts.every((p, i) => nameMatches(p, fqn[i + offset]));
    return (
      (parts.length === 1 && fqn.length > 0 && nameMatches(parts[0], fqn[fqn.length - 1])) ||
      prefixFrom(0) ||
      prefixFrom(1)
    );
  }

  function pathMatches(selector, node) {
    const want = selector.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
    const re = globToRegExp(want, true);
    const file = node.path;
    for (let end = file.indexOf('/'); end !== -1; end = file.indexOf('/', end + 1)) {
      if (re.test(file.slice(0, end))) return true;
    }
    return re.test(file);
  }

  function configValueMatches(value, selector) {
    if (Array.isArray(value)) return value.some((v) => configValueMatches(v, selector));
    if (typeof value === 'string') return value === selector;
    if (typeof value === 'boolean') return String(value) === selector.toLowerCase();
    if (typeof value === 'number') return String(value) === selector;
    return false;
  }

  function methodMatches(method, args, value, node) {
    switch (method) {
      case 'fqn':
        return fqnMatches(value, node.fqn);
      case 'tag':
        return node.tags.some((t) => nameMatches(value, t));
      case 'path':
        return pathMatches(value, node);
      case 'file': {
        const base = node.path.slice(node.path.lastIndexOf('/') + 1);
        return nameMatches(value, base) || nameMatches(value, base.replace(/\.[^.]*$/, ''));
      }
      case 'resource_type':
        return node.type === value;
      case 'package':
        return nameMatches(value, node.package);
      case 'source': {
        if (node.type !== 'source') return false;
        const parts = value.split('.');
        const [sourceName, table] = node.name.split('.');
        return parts.length === 1
          ? nameMatches(parts[0], sourceName)
          : nameMatches(parts[0], sourceName) && nameMatches(parts[1], table);
      }
      case 'config': {
        let v = node.config;
        for (const key of args) v = v && typeof v === 'object' ? v[key] : undefined;
        return configValueMatches(v, value);
      }
      default:
        throw new Error(`unknown selector method '${method}'`);
    }
  }

  const CRITERION = /^(@)?(?:(\d*)\+)?(?:([a-z_]+(?:\.[a-z_]+)*):)?([^+@]+?)(?:\+(\d*))?$/;

  function walk(start, neighbours, depth) {
    const seen = new Set();
    let frontier = [...start];
    for (let level = 0; frontier.length > 0 && (depth === undefined || level < depth); level++) {
      const next = [];
      for (const id of frontier) {
        for (const n of neighbours(id)) {
          if (!seen.has(n)) {
            seen.add(n);
            next.push(n);
          }
        }
      }
      frontier = next;
    }
    return seen;
  }

  /**
   * Ids of `nodes` (id → {name, type, fqn, path, tags, package, config, parents, children})
   * selected by `text`; throws Error with a readable message on bad syntax.
   */
  function select(nodes, text) {
    const parents = (id) => (nodes[id] ? nodes[id].parents.filter((p) => nodes[p]) : []);
    const children = (id) => (nodes[id] ? nodes[id].children.filter((c) => nodes[c]) : []);
    const result = new Set();
    for (const token of text.trim().split(/\s+/).filter(Boolean)) {
      let intersection = null;
      for (const raw of token.split(',')) {
        const m = CRITERION.exec(raw);
        if (!m) throw new Error(`Invalid selector '${raw}'`);
        const [, at, up, methodSpec, value, down] = m;
        const [method, ...args] = methodSpec
          ? methodSpec.split('.')
          : [/[/\\]/.test(value) ? 'path' : /\.(sql|csv|py)$/.test(value) ? 'file' : 'fqn'];
        const matched = new Set(
          Object.keys(nodes).filter((id) => methodMatches(method, args, value, nodes[id])),
        );
        const part = new Set(matched);
        const depthOf = (d) => (d === undefined || d === '' ? undefined : Number(d));
        if (up !== undefined) for (const id of walk(matched, parents, depthOf(up))) part.add(id);
        if (down !== undefined) for (const id of walk(matched, children, depthOf(down))) part.add(id);
        if (at) {
          const descendants = walk(matched, children, undefined);
          for (const id of descendants) part.add(id);
          for (const id of walk(new Set([...matched, ...descendants]), parents, undefined)) part.add(id);
        }
        intersection = intersection === null ? part : new Set([...intersection].filter((id) => part.has(id)));
      }
      for (const id of intersection ?? []) result.add(id);
    }
    return result;
  }

  root.MdwSelect = { select };
})(typeof window !== 'undefined' ? window : globalThis);
