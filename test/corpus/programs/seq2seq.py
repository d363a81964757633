# @corpus correct
# seq2seq.ts in PyTorch: the seq2seq translation tutorial's GRU encoder and decoder (no attention),
# an optimizer each, teacher forcing chosen at random; without it the decoder's prediction is fed
# back with topi.squeeze(-1).detach(), and both optimizers step after the one backward().
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(15)
random.seed(15)
SOS_token = 0
input_vocab, output_vocab, hidden_size, MAX_LENGTH, batch_size = 12, 10, 16, 5, 4


class EncoderRNN(nn.Module):
    def __init__(self, input_size, hidden_size, dropout_p=0.1):
        super().__init__()
        self.embedding = nn.Embedding(input_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size, batch_first=True)
        self.dropout = nn.Dropout(dropout_p)

    def forward(self, input):
        embedded = self.dropout(self.embedding(input))
        return self.gru(embedded)


class DecoderRNN(nn.Module):
    def __init__(self, hidden_size, output_size):
        super().__init__()
        self.embedding = nn.Embedding(output_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size, batch_first=True)
        self.out = nn.Linear(hidden_size, output_size)

    def forward(self, encoder_hidden, target_tensor=None):
        decoder_input = torch.empty(batch_size, 1, dtype=torch.long).fill_(SOS_token)
        decoder_hidden = encoder_hidden
        decoder_outputs = []
        for i in range(MAX_LENGTH):
            decoder_output, decoder_hidden = self.forward_step(decoder_input, decoder_hidden)
            decoder_outputs.append(decoder_output)
            if target_tensor is not None:
                decoder_input = target_tensor[:, i].unsqueeze(1)  # teacher forcing
            else:
                _, topi = decoder_output.topk(1)
                decoder_input = topi.squeeze(-1).detach()  # its own prediction, as an index
        decoder_outputs = torch.cat(decoder_outputs, dim=1)
        return F.log_softmax(decoder_outputs, dim=-1), decoder_hidden

    def forward_step(self, input, hidden):
        output = F.relu(self.embedding(input))
        output, hidden = self.gru(output, hidden)
        return self.out(output), hidden


encoder = EncoderRNN(input_vocab, hidden_size)
decoder = DecoderRNN(hidden_size, output_vocab)
encoder_optimizer = optim.Adam(encoder.parameters(), lr=0.001)
decoder_optimizer = optim.Adam(decoder.parameters(), lr=0.001)
criterion = nn.NLLLoss()
teacher_forcing_ratio = 0.5

for epoch in range(4):
    input_tensor = torch.randint(1, input_vocab, (batch_size, 6))
    target_tensor = torch.randint(1, output_vocab, (batch_size, MAX_LENGTH))
    encoder_optimizer.zero_grad()
    decoder_optimizer.zero_grad()
    encoder_outputs, encoder_hidden = encoder(input_tensor)
    use_teacher_forcing = random.random() < teacher_forcing_ratio
    decoder_outputs, _ = decoder(encoder_hidden, target_tensor if use_teacher_forcing else None)
    print("teacher forcing" if use_teacher_forcing else "its own predictions")
    loss = criterion(decoder_outputs.view(-1, decoder_outputs.size(-1)), target_tensor.view(-1))
    loss.backward()
    encoder_optimizer.step()
    decoder_optimizer.step()
