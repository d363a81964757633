import { describe, it, expect } from "vitest";
import { nn, optim, ones, zeros } from "gradlens";
import { expectClose, fromJson, loadFixture, type JsonTensor } from "./torchFixtures";

// One GAN step with explicit G and D (test/fixtures/torch/gan.json): the D step on fake.detach()
// leaves every G grad null; the G step gives grads to both G and D; with SGD the updates match PyTorch.

type Named = Record<string, JsonTensor>;
type NamedGrads = Record<string, JsonTensor | null>;

function build(c: { paramsG: Named; paramsD: Named }) {
  const G = new nn.Sequential(new nn.Linear(2, 4), new nn.ReLU(), new nn.Linear(4, 2)).double();
  const D = new nn.Sequential(new nn.Linear(2, 4), new nn.LeakyReLU(0.2), new nn.Linear(4, 1)).double();
  const load = (m: nn.Module, p: Named) => m.loadStateDict(Object.fromEntries(Object.entries(p).map(([k, v]) => [k, fromJson(v, false)])));
  load(G, c.paramsG);
  load(D, c.paramsD);
  return { G, D };
}

function expectGrads(m: nn.Module, expected: NamedGrads, what: string) {
  const params = Object.fromEntries(m.namedParameters());
  expect(Object.keys(params)).toEqual(Object.keys(expected));
  for (const [name, g] of Object.entries(expected)) expectClose(params[name].grad, g, 1e-10, 1e-12, `${what}.${name}.grad`);
}

describe("GAN step", () => {
  for (const c of loadFixture("gan").cases) {
    it(c.name, () => {
      const { G, D } = build(c);
      const withSgd = c.name === "gan_step_sgd";
      const crit = new nn.BCEWithLogitsLoss();
      const z = fromJson(c.z), real = fromJson(c.real);
      const onesT = ones(4, 1, { dtype: "float64" }), zerosT = zeros(4, 1, { dtype: "float64" });

      // D step on fake.detach(): no gradient reaches G
      G.zeroGrad();
      D.zeroGrad();
      const fake = G.call(z);
      expectClose(fake, c.dStep.fake, 1e-10, 1e-12, "fake");
      const lossD = crit.call(D.call(real), onesT).add(crit.call(D.call(fake.detach()), zerosT));
      expectClose(lossD, c.dStep.lossD, 1e-10, 1e-12, "lossD");
      lossD.backward();
      expect([...G.parameters()].every((p) => p.grad === null)).toBe(true);
      expectGrads(G, c.dStep.gradsG, "G");
      expectGrads(D, c.dStep.gradsD, "D");
      if (withSgd) {
        new optim.SGD(D.parameters(), { lr: 0.1 }).step();
        const after = Object.fromEntries(D.namedParameters());
        for (const [name, v] of Object.entries(c.dStep.paramsDAfterStep as Named)) expectClose(after[name], v, 1e-10, 1e-12, `D.${name}`);
      }

      // G step through the same fake: grads for G and for D
      G.zeroGrad();
      D.zeroGrad();
      const lossG = crit.call(D.call(fake), onesT);
      expectClose(lossG, c.gStep.lossG, 1e-10, 1e-12, "lossG");
      lossG.backward();
      expect([...G.parameters(), ...D.parameters()].every((p) => p.grad !== null)).toBe(true);
      expectGrads(G, c.gStep.gradsG, "G");
      expectGrads(D, c.gStep.gradsD, "D");
      if (withSgd) {
        new optim.SGD(G.parameters(), { lr: 0.1 }).step();
        const after = Object.fromEntries(G.namedParameters());
        for (const [name, v] of Object.entries(c.gStep.paramsGAfterStep as Named)) expectClose(after[name], v, 1e-10, 1e-12, `G.${name}`);
      }
    });
  }
});
