import type { Severity } from "../protocol/report";

// The finding rules as data: one row per code, read by the analysis (which codes exist and the
// highest severity each may have), the CLI (titles, SARIF rule metadata), the editor (quick fixes
// are keyed by these codes; the diagnostic links to the anchor) and the docs test, which checks that
// docs/findings.md has a section per row with this title, severity and silent-on list. Codes are
// stable: never renumber or reuse one.

export interface Rule {
  code: RuleCode;
  title: string;
  /** the highest severity the rule reports at (a rule may report a milder variant, e.g. GL007 info) */
  severity: Severity;
  /** anchor of its section in docs/findings.md */
  anchor: string;
  /** canonical, correct patterns the rule deliberately stays silent on (or reports only as info) */
  silentOn: readonly string[];
}

export type RuleCode =
  | "GL001" | "GL002" | "GL003" | "GL004" | "GL005" | "GL006" | "GL007" | "GL008" | "GL009" | "GL010" | "GL011";

const rule = (code: RuleCode, severity: Severity, title: string, silentOn: string[]): Rule =>
  ({ code, title, severity, anchor: code.toLowerCase(), silentOn });

export const RULES: readonly Rule[] = [
  rule("GL001", "error", "Trainable parameter in an optimizer never receives a gradient", [
    "parameters frozen with `requiresGrad_(false)` that are still in the optimizer (status `frozen`; GL003 notes it as info).",
    "a run that failed before a full iteration (every optimizer stepped once): it reports the error and what was seen, not findings the stop caused.",
  ]),
  rule("GL002", "warning", "Gradient computed but never applied", [
    "a parameter in no optimizer (that is GL004).",
    "the first step of a linear warm-up schedule, which runs at lr 0: the check keeps running until a step with lr > 0, and the lr column shows the lr each parameter's last step used.",
    "a clear at an epoch's start that drops the last, partial accumulation window of the epoch before: the next step reads a whole window (several runs of the `backward()` line).",
    "a `backward()` whose gradient reaches parameters another optimizer holds (a GAN's generator loss through D), cleared by that optimizer's `zeroGrad()`.",
    "LBFGS, whose `step(closure)` clears and recomputes the gradient several times.",
    "mixed precision's `scaler.step(opt)` skipping `opt.step()` while the gradients overflow (the first iterations): the skipped call read the gradient, so the `zero_grad()` after it drops nothing; the check runs on until a step that runs.",
  ]),
  rule("GL003", "info", "Frozen parameters handed to an optimizer", []),
  rule("GL004", "warning", "Gradient computed for a parameter no optimizer holds", [
    "a DQN target network or a distillation teacher: used only under `noGrad` or after `detach()`, so it gets no gradient; it is deliberately not trained (changed by `loadStateDict` or a soft update).",
    "parameters updated by hand (`p.data.add_(p.grad, { alpha: -lr })`): status `updated`, \"updated by hand at line N\".",
    "a replaced layer (`model.fc = new nn.Linear(...)`) or a module never registered: not a row of the report. The report lists what the root modules' `namedParameters()` and the optimizers hold; the others are named in `Report.orphans`.",
  ]),
  rule("GL005", "warning", "Gradient accumulated from several backward() calls", [
    "micro-batch gradient accumulation: one `backward()` line run several times before one step.",
    "two losses of separate forward passes backpropagated into one step with nothing stepping in between: DCGAN's `errD_real.backward(); errD_fake.backward(); optimizerD.step()`, the WGAN-GP critic's three `backward()` calls. Summing gradients of several losses is what `.grad` is for.",
    "SAM written by hand: the weights move by ε from one gradient, `zeroGrad()`, a second `backward()`, the weights move back by ε, and the step applies the second gradient (the restore is not a step).",
    "LBFGS stopped in front of its next `step(closure)`: the closure clears and recomputes the gradient before the step reads one.",
  ]),
  rule("GL006", "error", "Optimizer steps with gradient left from another loss", [
    "a GAN whose D step uses `fake.detach()` and whose G gradients are cleared before the G loss.",
    "one loss stepped by several optimizers one after the other, with no `backward()` between the steps (the seq2seq tutorial's encoder and decoder optimizers).",
  ]),
  rule("GL007", "warning", "noGrad or detach cuts parameters the same optimizer steps", [
    "VQ-VAE's straight-through estimator `z.add(zq.sub(z).detach())` and its codebook/commitment terms.",
    "SimSiam's and BYOL's `z.detach()` target.",
    "truncated BPTT's `hidden = hidden.detach()` between batches.",
  ]),
  rule("GL008", "info", "Frozen module's BatchNorm statistics still change", [
    "a module frozen only for a phase: pix2pix's `setRequiresGrad(netD, false)` for the generator step and `true` again for D's own step (D is trained; its statistics are meant to follow the data).",
    "each BatchNorm layer of one frozen tree separately.",
    "a target network whose weights are written by hand every iteration (BYOL's or MoCo's momentum encoder, a model EMA): it gets no gradient but is not frozen (status `updated`, by hand).",
  ]),
  rule("GL009", "warning", "Optimizer moves a parameter that has no gradient", [
    "gradients assigned by hand (`p.grad = g` with a non-zero `g`: gradient surgery, PCGrad, restoring saved gradients): the assigned gradient is the step's input.",
  ]),
  rule("GL010", "info", "Frozen module still saves activations for backward", [
    "a frozen network whose gradient is for a tensor outside any module (style transfer's input image, a soft prompt): nothing before it can be frozen, the activations are the price of that gradient.",
  ]),
  rule("GL011", "info", "backward() computes gradients no optimizer will use", [
    "the generator loss of a GAN, which must run through D to reach G.",
  ]),
];

export const RULES_BY_CODE: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.code, r]));

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** The rule of a code, checking that a finding stays within the rule's severity. */
export function ruleFor(code: string, severity: Severity): Rule {
  const r = RULES_BY_CODE.get(code);
  if (r === undefined) throw new Error(`finding code ${code} is not in the rules table (src/analysis/rules.ts)`);
  if (RANK[severity] > RANK[r.severity]) throw new Error(`${code} reported at ${severity}, above its rule's ${r.severity}`);
  return r;
}
