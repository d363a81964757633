// "GradLens: Create example model": a small GAN that runs as it is, plus what makes its "gradlens"
// import resolve in the editor.
//
// Types for users (the choice): the extension ships the engine's declarations, generated at build time
// from src/engine (`tsc --emitDeclarationOnly`, see src/extension/tools/emitEngineTypes.mjs) into
// dist/types/gradlens/ with a package.json. The command copies them into the example folder
// (types/gradlens/) and writes a tsconfig.json whose `paths` maps "gradlens" there. So the folder is
// self-contained: no node_modules to install or lose to `npm install` pruning, no absolute path into
// the extension's install directory (which changes with every update), and the user's own tsconfig
// is never touched. At run time the runner maps "gradlens" to the engine bundled with the extension.

export const EXAMPLE_DIR = "gradlens-example";
export const EXAMPLE_MODEL = "gan.ts";
export const EXAMPLE_TYPES_DIR = "types/gradlens";

export const EXAMPLE_SOURCE = `// A tiny GAN: G turns noise into 2-D points, D tells them from real ones.
// Run "GradLens: Run gradient-flow check" (editor title bar or the command palette) and watch the
// lenses above detach(), the optimizers and backward(). Then break it on purpose:
//   - remove the .detach() in D's loss: lossD.backward() now reaches G too;
//   - also delete optG.zeroGrad(): optG.step() then applies D's gradient to G (finding GL006).
import { nn, optim, F, randn, ones, zeros, manualSeed, type Tensor } from "gradlens";

manualSeed(0);

class Generator extends nn.Module {
  fc1 = new nn.Linear(4, 16);
  fc2 = new nn.Linear(16, 2);
  forward(z: Tensor): Tensor {
    return this.fc2.forward(this.fc1.forward(z).relu());
  }
}

class Discriminator extends nn.Module {
  fc1 = new nn.Linear(2, 16);
  fc2 = new nn.Linear(16, 1);
  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.fc1.forward(x).relu());
  }
}

const G = new Generator();
const D = new Discriminator();
const optG = new optim.Adam(G.parameters(), { lr: 2e-3 });
const optD = new optim.Adam(D.parameters(), { lr: 2e-3 });

for (let step = 0; step < 20; step++) {
  const real = randn([32, 2]).mul(0.5).add(2);
  const fake = G.forward(randn([32, 4]));

  // D step: fake.detach() keeps D's loss out of G.
  optD.zeroGrad();
  const lossD = F.binaryCrossEntropyWithLogits(D.forward(real), ones([32, 1])).add(
    F.binaryCrossEntropyWithLogits(D.forward(fake.detach()), zeros([32, 1])),
  );
  lossD.backward();
  optD.step();

  // G step: G learns to make D say "real".
  optG.zeroGrad();
  const lossG = F.binaryCrossEntropyWithLogits(D.forward(fake), ones([32, 1]));
  lossG.backward();
  optG.step();

  if (step % 5 === 0) console.log(\`step \${step}: lossD \${lossD.item().toFixed(3)}, lossG \${lossG.item().toFixed(3)}\`);
}
`;

/** tsconfig.json of the example folder: "gradlens" resolves to the copied declarations. */
export function exampleTsconfig(): string {
  return `${JSON.stringify(
    {
      compilerOptions: {
        target: "ES2022",
        module: "ESNext",
        moduleResolution: "Bundler",
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
        paths: { gradlens: [`./${EXAMPLE_TYPES_DIR}/index.d.ts`] },
      },
      include: ["*.ts"],
    },
    null,
    2,
  )}\n`;
}

/** The first folder name not taken: gradlens-example, gradlens-example-2, ... */
export function exampleFolderName(taken: (name: string) => boolean): string {
  if (!taken(EXAMPLE_DIR)) return EXAMPLE_DIR;
  for (let i = 2; ; i++) if (!taken(`${EXAMPLE_DIR}-${i}`)) return `${EXAMPLE_DIR}-${i}`;
}
