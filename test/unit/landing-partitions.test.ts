import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hiveFolderValues } from '../../src/adapters/athena/external-source.js';
import type { LandingFileReport, LandingReport } from '../../src/landing/report.js';
import { landingFolders } from '../../src/run/landing-partitions.js';

function report(files: string[]): LandingReport {
  const entry = (file: string): LandingFileReport => ({
    file,
    data_lines: 1,
    rows_read: 1,
    quarantined: 0,
    reasons: {},
    scanned: true,
  });
  return { source: 'grocery.sales', quarantine_relation: null, files: files.map(entry) };
}

describe('landing folders of a Hive-style source', () => {
  it('lists the dated folders once each, sorted, without the undated one', () => {
    const folders = landingFolders(
      report([
        '/raw/sales/partition=20180502/part-00001.csv',
        '/raw/sales/partition=20180501/part-00000.csv',
        '/raw/sales/partition=__HIVE_DEFAULT_PARTITION__/part-20180501.csv',
        'C:\\raw\\sales\\partition=20180502\\part-00000.csv',
      ]),
    );
    assert.deepEqual(folders, ['20180501', '20180502']);
  });

  it('gives up (everything changed) when a file is not in a partition folder', () => {
    assert.equal(landingFolders(report(['/raw/sales/partition=20180501/a.csv', '/raw/sales.csv'])), null);
    assert.equal(landingFolders(report([])), null);
  });
});

describe('landing folders of a raw S3 prefix (Athena)', () => {
  it('lists the dated partition folders, sorted, without the undated one', () => {
    const folders = ['partition=20180502', 'partition=__HIVE_DEFAULT_PARTITION__', 'partition=20180501'];
    assert.deepEqual(hiveFolderValues({ folders, hasFiles: false }), ['20180501', '20180502']);
  });

  it('gives up (everything changed) on files beside the folders, other folders, or nothing', () => {
    assert.equal(hiveFolderValues({ folders: ['partition=20180501'], hasFiles: true }), null);
    assert.equal(hiveFolderValues({ folders: ['partition=20180501', 'archive'], hasFiles: false }), null);
    assert.equal(hiveFolderValues({ folders: [], hasFiles: false }), null);
  });
});
