import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

describe('runtime isolation', () => {
  it('imports the runtime entry without loading cdktf, constructs, @cdktf/*, lib/ or stacks/', () => {
    const script = `
      require('./runtime');
      const root = ${JSON.stringify(root)};
      const bad = Object.keys(require.cache).filter((p) => {
        const f = p.split('\\\\').join('/');
        return f.includes('/node_modules/cdktf/') || f.includes('/node_modules/constructs/') || f.includes('/node_modules/@cdktf/')
          || f.startsWith(root + '/lib/') || f.startsWith(root + '/stacks/');
      });
      const loaded = Object.keys(require.cache).filter((p) => p.startsWith(root + '/runtime/')).length;
      const geo = Object.keys(require.cache).some((p) => p.includes('/node_modules/geoip-country/'));
      process.stdout.write(JSON.stringify({ bad, loaded, geo }));
    `;
    const res = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(res.stderr).toBe('');
    const out = JSON.parse(res.stdout);
    expect(out.loaded).toBeGreaterThan(5); // the check saw the runtime modules
    expect(out.bad).toEqual([]);
    expect(out.geo).toBe(false); // the geo database loads on first lookup, not at import
  });
});
