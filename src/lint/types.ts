/** The shapes shared by the lint engine, its rules and its reporters. */

export type Severity = 'error' | 'warn';
export type RuleSetting = Severity | 'off';

export interface RuleInfo {
  /** short stable id, used in config and `-- noqa: <id>` */
  id: string;
  /** kebab-case name shown next to the id */
  name: string;
  group: 'naming' | 'layers' | 'style' | 'tests' | 'warehouse' | 'meta';
  severity: Severity;
  /** one line: what the rule asks for */
  summary: string;
  /** true when `--fix` can rewrite the file without changing results */
  fixable: boolean;
}

/** A text edit on a source file (offsets into the raw file text). */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

export interface Diagnostic {
  ruleId: string;
  severity: Severity;
  message: string;
  /** project-relative path */
  file: string;
  /** 1-based */
  line: number;
  /** 1-based, in characters */
  column: number;
  fix?: Edit[];
}

/** What a rule reports before configuration decides its severity. */
export interface Finding {
  ruleId: string;
  message: string;
  file: string;
  line: number;
  column: number;
  fix?: Edit[];
}
