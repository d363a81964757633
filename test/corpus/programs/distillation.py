# @corpus correct
# @status teacher. updated
# distillation.ts in PyTorch: the knowledge-distillation tutorial. Two phases: train(teacher) with its
# own optimizer, then train_knowledge_distillation(teacher, student), whose optimizer is made only
# in the second phase; the teacher runs in eval mode under no_grad.
import torch
import torch.nn as nn
import torch.optim as optim

torch.manual_seed(7)


def make_net(hidden):
    return nn.Sequential(nn.Linear(8, hidden), nn.ReLU(), nn.Linear(hidden, 4))


teacher = make_net(32)
student = make_net(8)


def train(model, epochs):
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    for epoch in range(epochs):
        inputs, labels = torch.randn(4, 8), torch.randint(0, 4, (4,))
        optimizer.zero_grad()
        loss = criterion(model(inputs), labels)
        loss.backward()
        optimizer.step()


def train_knowledge_distillation(teacher, student, epochs, T, soft_target_loss_weight, ce_loss_weight):
    ce_loss = nn.CrossEntropyLoss()
    optimizer = optim.Adam(student.parameters(), lr=1e-3)
    teacher.eval()
    student.train()
    for epoch in range(epochs):
        inputs, labels = torch.randn(4, 8), torch.randint(0, 4, (4,))
        optimizer.zero_grad()
        with torch.no_grad():
            teacher_logits = teacher(inputs)
        student_logits = student(inputs)
        soft_targets = nn.functional.softmax(teacher_logits / T, dim=-1)
        soft_prob = nn.functional.log_softmax(student_logits / T, dim=-1)
        soft_targets_loss = torch.sum(soft_targets * (soft_targets.log() - soft_prob)) / soft_prob.size()[0] * (T**2)
        label_loss = ce_loss(student_logits, labels)
        loss = soft_target_loss_weight * soft_targets_loss + ce_loss_weight * label_loss
        loss.backward()
        optimizer.step()


train(teacher, epochs=3)
train_knowledge_distillation(teacher, student, epochs=3, T=2, soft_target_loss_weight=0.25, ce_loss_weight=0.75)
