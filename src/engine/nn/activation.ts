import type { Tensor } from "../tensor";
import * as F from "../functional/activation";
import * as FX from "../functional/activationExtra";
import { Module } from "./module";

/** `new nn.ReLU(true)` overwrites its input, as PyTorch's inplace=True. */
export class ReLU extends Module {
  constructor(readonly inplace = false) {
    super();
  }

  forward(input: Tensor): Tensor {
    return FX.relu(input, this.inplace);
  }

  override extraRepr(): string {
    return this.inplace ? "inplace=True" : "";
  }
}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01, readonly inplace = false) {
    super();
  }

  forward(input: Tensor): Tensor {
    return FX.leakyRelu(input, this.negativeSlope, this.inplace);
  }

  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

export class Tanh extends Module {
  forward(input: Tensor): Tensor {
    return F.tanh(input);
  }
}

export class Sigmoid extends Module {
  forward(input: Tensor): Tensor {
    return F.sigmoid(input);
  }
}

export class GELU extends Module {
  constructor(readonly approximate: "none" | "tanh" = "none") {
    super();
  }

  forward(input: Tensor): Tensor {
    return F.gelu(input, this.approximate);
  }

  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

export class Softmax extends Module {
  constructor(readonly dim?: number) {
    super();
  }

  forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim ?? "None"}`;
  }
}

export class LogSoftmax extends Module {
  constructor(readonly dim?: number) {
    super();
  }

  forward(input: Tensor): Tensor {
    return F.logSoftmax(input, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim ?? "None"}`;
  }
}

/** Drops elements with probability p in train mode (seeded by manualSeed); the identity in eval mode. */
export class Dropout extends Module {
  constructor(readonly p = 0.5, readonly inplace = false) {
    super();
    if (p < 0 || p > 1) throw new Error(`dropout probability has to be between 0 and 1, but got ${p}`);
  }

  forward(input: Tensor): Tensor {
    return FX.dropout(input, { p: this.p, training: this.training, inplace: this.inplace });
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
