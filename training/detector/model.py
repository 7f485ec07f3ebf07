"""Plate detector network (docs/model-contracts.md, section 2).

A CenterNet-style detector small enough for ~10 ms at 1024x576 on one CPU thread in
OpenCV 4.6 dnn. Every op is one OpenCV 4.6 reads: Conv, BatchNormalization, Relu,
MaxPool, Upsample (nearest), Add, Concat, Sigmoid. Depthwise-separable blocks keep the
MACs low; the stride-4 part is kept thin because at 1024x576 it has 37k cells and is
where the time goes (memory traffic, not MACs).

Output `heads` [1, 13, H/4, W/4]: ch0 centre probability (sigmoid in graph), ch1-2
centre offset, ch3-4 log(w/4), log(h/4), ch5-12 corners TL,TR,BR,BL relative to the
centre in units of 4 px.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

NUM_OUT = 13
STRIDE = 4


def conv_bn(cin, cout, k=3, s=1, groups=1, relu=True):
    pad = k // 2 if k % 2 else 0  # even kernels (the stride-4 stem) tile without padding
    layers = [nn.Conv2d(cin, cout, k, s, pad, groups=groups, bias=False),
              nn.BatchNorm2d(cout)]
    if relu:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class DWBlock(nn.Module):
    """Depthwise 3x3 (optionally strided) + pointwise 1x1; residual when shapes match."""

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.dw = conv_bn(cin, cin, 3, stride, groups=cin)
        self.pw = conv_bn(cin, cout, 1, relu=False)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.pw(self.dw(x))
        return F.relu(x + y) if self.residual else F.relu(y)


class PlateDetector(nn.Module):
    def __init__(self, widths=(16, 16, 40, 80, 112), fpn=32):
        super().__init__()
        c1, c2, c3, c4, c5 = widths
        # Stem: a 4x4 stride-4 "patchify" conv. In OpenCV 4.6 a 3-channel conv at full or
        # half resolution costs 3-5 ms at 1024x576 (measured); this one costs ~1.5 ms and
        # a 16 px wide plate still spans 4 cells.
        self.stem = conv_bn(3, c1, 4, 4)
        self.s4 = DWBlock(c1, c2)
        self.s8 = nn.Sequential(DWBlock(c2, c3, 2), DWBlock(c3, c3))
        self.s16 = nn.Sequential(DWBlock(c3, c4, 2), DWBlock(c4, c4), DWBlock(c4, c4))
        self.s32 = nn.Sequential(DWBlock(c4, c5, 2), DWBlock(c5, c5), DWBlock(c5, c5))
        # Small FPN: 1x1 laterals, nearest upsampling, addition. At stride 4 every layer
        # costs 0.5-1.5 ms, so the stride-4 features are added without a lateral conv.
        self.lat32 = conv_bn(c5, fpn, 1)
        self.lat16 = conv_bn(c4, fpn, 1)
        self.lat8 = conv_bn(c3, fpn, 1)
        self.smooth8 = DWBlock(fpn, fpn)
        self.reduce8 = conv_bn(fpn, c2, 1)
        # Heads: one depthwise context layer at stride 4, then 1x1 outputs.
        self.head_ctx = DWBlock(c2, c2)
        self.hm = nn.Conv2d(c2, 1, 1)
        self.reg = nn.Conv2d(c2, NUM_OUT - 1, 1)
        nn.init.constant_(self.hm.bias, -4.6)  # prior p ~ 0.01, as CenterNet/focal loss

    def forward(self, x):
        f4 = self.s4(self.stem(x))
        f8 = self.s8(f4)
        f16 = self.s16(f8)
        f32 = self.s32(f16)
        p16 = self.lat16(f16) + F.interpolate(self.lat32(f32), scale_factor=2, mode="nearest")
        p8 = self.lat8(f8) + F.interpolate(p16, scale_factor=2, mode="nearest")
        p8 = self.reduce8(self.smooth8(p8))
        p4 = self.head_ctx(f4 + F.interpolate(p8, scale_factor=2, mode="nearest"))
        return torch.cat([torch.sigmoid(self.hm(p4)), self.reg(p4)], dim=1)


def count_macs(model, h=576, w=1024):
    """Multiply-accumulates of the conv layers for one h x w input (hooks, no deps)."""
    total = [0]

    def hook(mod, inp, out):
        k = mod.kernel_size[0] * mod.kernel_size[1]
        total[0] += out.numel() * k * mod.in_channels // mod.groups

    hs = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        model.eval()(torch.zeros(1, 3, h, w))
    for x in hs:
        x.remove()
    return total[0]


if __name__ == "__main__":
    m = PlateDetector()
    n = sum(p.numel() for p in m.parameters())
    print(f"params {n / 1e3:.1f}k  GMAC@1024x576 {count_macs(m) / 1e9:.3f}")
