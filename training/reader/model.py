"""Small CNN + CTC plate reader (no RNN: OpenCV 4.6 dnn must import it, and fast).

Input [N,1,32,128] -> 4x down horizontally -> 32 time steps of 4 px each.
Height is pooled away (32 -> 4 by pooling, then a (4,1) conv collapses it), so each
column becomes one time step. A 1D context stack of (1,k) convolutions (one
dilated) gives each step a wide horizontal view (~±14 steps = ±56 px, about three
characters each side), which a plain CNN would lack and an RNN would give.
Ops: Conv, BatchNormalization, Relu, MaxPool, Transpose, Reshape, Softmax only.
"""
import torch
import torch.nn as nn

from .ctc import NUM_CLASSES


def cbr(cin, cout, k=3, pad=1, dil=1):
    return [nn.Conv2d(cin, cout, k, padding=pad, dilation=dil, bias=False),
            nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


class PlateReader(nn.Module):
    def __init__(self, width=(16, 32, 64, 96), ctx=128):
        super().__init__()
        a, b, c, d = width
        self.features = nn.Sequential(
            *cbr(1, a), nn.MaxPool2d(2, 2),                  # 16 x 64
            *cbr(a, b), nn.MaxPool2d(2, 2),                  # 8 x 32
            *cbr(b, c), *cbr(c, c), nn.MaxPool2d((2, 1), (2, 1)),  # 4 x 32
            *cbr(c, d),
            *cbr(d, ctx, k=(4, 1), pad=0),                   # 1 x 32: one column = one step
            # Horizontal context: each step sees its neighbours' characters.
            *cbr(ctx, ctx, k=(1, 5), pad=(0, 2)),
            *cbr(ctx, ctx, k=(1, 3), pad=(0, 3), dil=(1, 3)),
        )
        self.drop = nn.Dropout2d(0.1)
        self.head = nn.Conv2d(ctx, NUM_CLASSES, 1)

    def logits(self, x):
        """[N,1,32,128] -> [N,32,C] raw scores (training uses log_softmax of these)."""
        y = self.head(self.drop(self.features(x)))     # N, C, 1, 32
        y = y.permute(0, 2, 3, 1)                       # N, 1, 32, C
        return y.reshape(-1, 32, NUM_CLASSES)  # constant shape: cv2 4.6 mishandles Shape ops

    def forward(self, x):
        """The exported graph: softmax probabilities [N,32,37]."""
        return torch.softmax(self.logits(x), dim=2)


def count_params(m):
    return sum(p.numel() for p in m.parameters())
