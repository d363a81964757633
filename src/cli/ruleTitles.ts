// Short titles of the finding codes (docs/findings.md headings), for SARIF rule metadata.
export const RULE_TITLES: Record<string, string> = {
  GL001: "Trainable parameter in an optimizer never receives a gradient",
  GL002: "Gradient computed but never applied",
  GL003: "Frozen parameters handed to an optimizer",
  GL004: "Trainable parameter in no optimizer while others are",
  GL005: "Gradient accumulated from several backward() calls",
  GL006: "Optimizer steps with gradient left from another loss",
  GL007: "noGrad or detach cuts parameters the same optimizer steps",
  GL008: "Frozen module's BatchNorm statistics still change",
  GL009: "Optimizer moves a parameter that has no gradient",
  GL010: "Frozen module still saves activations for backward",
  GL011: "backward() computes gradients no optimizer will use",
};

export const DOCS_URL = "https://example.invalid/gradlens/docs/findings.md";
