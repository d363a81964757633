// A realistic user model file of a given size (GAN-style modules, helpers, evaluation under noGrad,
// frozen parts, several optimizers and training loops), for the static-scan benchmark and tests.

export interface GeneratedModelSource {
  text: string;
  lines: number;
  /** How many blocks were emitted; each block holds a fixed set of sites (see `sitesPerBlock`). */
  blocks: number;
}

/** Sites per block: 2 detach, 1 detach_, 2 no-grad, 1 set-grad-enabled-false, 2 requires-grad-false, 2 optimizer, 2 backward, 2 step, 2 zero-grad. */
export const sitesPerBlock = 16;

export function generateModelSource(targetLines = 2000): GeneratedModelSource {
  const out: string[] = [
    'import { tensor, randn, noGrad, enableGrad, setGradEnabled, nn, optim, F } from "gradlens";',
    'import * as gl from "gradlens";',
    "",
  ];
  let blocks = 0;
  while (out.length < targetLines) {
    out.push(...block(blocks));
    blocks++;
  }
  return { text: out.join("\n") + "\n", lines: out.length, blocks };
}

function block(i: number): string[] {
  return [
    `// ---- stage ${i} ----`,
    `class Generator${i} extends nn.Module {`,
    `  fc1 = new nn.Linear(${8 + i}, 32);`,
    "  fc2 = new nn.Linear(32, 32);",
    "  out = new nn.Linear(32, 2);",
    "",
    "  forward(z) {",
    "    const h1 = this.fc1.forward(z).relu();",
    "    const h2 = F.dropout(this.fc2.forward(h1).tanh(), 0.1);",
    "    return this.out.forward(h2);",
    "  }",
    "}",
    "",
    `class Discriminator${i} extends nn.Module {`,
    "  body = new nn.Sequential(new nn.Linear(2, 32), new nn.ReLU(), new nn.Linear(32, 32));",
    "  head = new nn.Linear(32, 1);",
    "",
    "  forward(x) {",
    "    const features = this.body.forward(x);",
    "    return this.head.forward(features).sigmoid();",
    "  }",
    "",
    "  features(x) {",
    "    return this.body.forward(x).detach();",
    "  }",
    "}",
    "",
    `function makeBatch${i}(size) {`,
    "  const xs = randn([size, 2]);",
    "  const noise = randn([size, 2]).mul(0.1);",
    "  return xs.add(noise);",
    "}",
    "",
    `function evaluate${i}(G, D, n) {`,
    "  return noGrad(() => {",
    `    const fake = G.forward(randn([n, ${8 + i}]));`,
    "    const score = D.forward(fake).mean();",
    "    return score.item();",
    "  });",
    "}",
    "",
    `function probe${i}(D, x) {`,
    "  setGradEnabled(false);",
    "  const f = D.features(x);",
    "  const norm = f.pow(2).sum().sqrt();",
    "  setGradEnabled(true);",
    "  return norm;",
    "}",
    "",
    `const G${i} = new Generator${i}();`,
    `const D${i} = new Discriminator${i}();`,
    `D${i}.body.requiresGrad_(false);`,
    `for (const p of G${i}.out.parameters()) p.requiresGrad = false;`,
    `const optG${i} = new optim.Adam(G${i}.parameters(), { lr: 2e-4, betas: [0.5, 0.999] });`,
    `const optD${i} = new gl.optim.SGD([{ params: D${i}.body.parameters(), lr: 0 }, { params: D${i}.head.parameters() }], { lr: 1e-3, momentum: 0.9 });`,
    "",
    `async function train${i}(epochs) {`,
    "  for (let epoch = 0; epoch < epochs; epoch++) {",
    `    const real = makeBatch${i}(64);`,
    `    const z = randn([64, ${8 + i}]);`,
    `    optD${i}.zeroGrad();`,
    `    const fake = G${i}.forward(z);`,
    `    const dReal = D${i}.forward(real);`,
    `    const dFake = D${i}.forward(fake.detach());`,
    "    const lossD = F.binaryCrossEntropy(dReal, tensor([1])).add(F.binaryCrossEntropy(dFake, tensor([0])));",
    "    lossD.backward();",
    `    optD${i}.step();`,
    "",
    `    optG${i}.zeroGrad({ setToNone: false });`,
    `    const lossG = F.binaryCrossEntropy(D${i}.forward(fake), tensor([1]));`,
    "    lossG.backward({ retainGraph: true });",
    `    optG${i}.step();`,
    "    const stats = fake.detach_();",
    "    if (epoch % 100 === 0) {",
    `      console.log(epoch, lossD.item(), lossG.item(), evaluate${i}(G${i}, D${i}, 16), stats.shape);`,
    "    }",
    "  }",
    "}",
    "",
    `await train${i}(10);`,
    `noGrad(() => probe${i}(D${i}, makeBatch${i}(8)));`,
    "",
  ];
}
