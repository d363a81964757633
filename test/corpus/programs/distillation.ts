// @corpus correct
// @status teacher. updated
// Follows the PyTorch knowledge-distillation tutorial: train a teacher with its own optimizer,
// then train a student on a mix of hard-label loss and the soft targets of the teacher, which runs
// in eval mode under no_grad. Two phases: the student's optimizer only exists in the second.
import { nn, optim, F, noGrad, randn, randint, manualSeed } from "gradlens";

manualSeed(7);
function makeNet(hidden: number) {
  return new nn.Sequential(new nn.Linear(8, hidden), new nn.ReLU(), new nn.Linear(hidden, 4));
}
const teacher = makeNet(32);
const student = makeNet(8);

function train(model: nn.Module, epochs: number) {
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
  model.train();
  for (let e = 0; e < epochs; e++) {
    const inputs = randn(4, 8), labels = randint(0, 4, [4]);
    optimizer.zeroGrad();
    const loss = F.crossEntropy(model.call(inputs), labels);
    loss.backward();
    optimizer.step();
  }
}

function trainKnowledgeDistillation(teacher: nn.Module, student: nn.Module, epochs: number, T: number) {
  const optimizer = new optim.Adam(student.parameters(), { lr: 1e-3 });
  teacher.eval();
  student.train();
  for (let e = 0; e < epochs; e++) {
    const inputs = randn(4, 8), labels = randint(0, 4, [4]);
    optimizer.zeroGrad();
    const teacherLogits = noGrad(() => teacher.call(inputs));
    const studentLogits = student.call(inputs);
    const softTargets = F.softmax(teacherLogits.div(T), -1);
    const softProb = F.logSoftmax(studentLogits.div(T), -1);
    const softLoss = softTargets.mul(softTargets.log().sub(softProb)).sum().div(4).mul(T * T);
    const labelLoss = F.crossEntropy(studentLogits, labels);
    const loss = softLoss.mul(0.25).add(labelLoss.mul(0.75));
    loss.backward();
    optimizer.step();
  }
}

train(teacher, 3);
trainKnowledgeDistillation(teacher, student, 3, 2);
