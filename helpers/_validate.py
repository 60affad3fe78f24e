"""Input checks shared by every operation in ``helpers`` (one copy, one wording).

Each check raises ``TypeError`` (wrong kind of value) or ``ValueError`` (right kind, wrong value)
with a message that names the parameter, shows the value it got, and says what would work. Nothing
is silently broadcast, truncated or rounded.

Padding convention (PyTorch's): ``padding=p`` adds ``p`` on each side, ``(p_h, p_w)`` gives one
value per axis, ``((top, bottom), (left, right))`` gives every side (NumPy ``pad_width`` order).
"""

from __future__ import annotations

import numbers

import numpy as np
import torch

AXES = ("height", "width")


# --- arrays -------------------------------------------------------------------------------------


def to_tensor(x, name):
    """Return ``(tensor, was_numpy)`` for a torch tensor or NumPy array of real numbers."""
    if isinstance(x, torch.Tensor):
        t, was_numpy = x, False
    elif isinstance(x, np.ndarray):
        if x.dtype.kind not in "biuf":
            raise TypeError(
                f"{name} has NumPy dtype {x.dtype}, which is not numeric: use an array of integers "
                f"or floats, e.g. {name}.astype(np.float64)"
            )
        t, was_numpy = torch.from_numpy(np.ascontiguousarray(x)), True
    else:
        raise TypeError(
            f"{name} must be a torch.Tensor or a NumPy array, but got a {type(x).__name__} "
            f"({_short(x)}): wrap it first, e.g. torch.tensor({name}, dtype=torch.float64)"
        )
    if t.dtype == torch.bool or t.is_complex():
        raise TypeError(
            f"{name} has dtype {t.dtype}, but these operations need real numbers (integers or "
            f"floats): convert it, e.g. {name}.double()"
        )
    return t, was_numpy


def tensor_arg(x, name, ndims, layout):
    """Convert ``x`` (see :func:`to_tensor`); check its number of axes and that it is not empty.

    ``ndims`` is an int or a tuple of allowed ints; ``layout`` names the axes, e.g. ``"(H, W)"``.
    """
    t, was_numpy = to_tensor(x, name)
    allowed = (ndims,) if isinstance(ndims, int) else tuple(ndims)
    if t.ndim not in allowed:
        wanted = " or ".join(str(n) for n in allowed)
        raise ValueError(
            f"{name} must have {wanted} dimensions {layout}, but it has {t.ndim} "
            f"(shape {tuple(t.shape)}): reshape it, e.g. with .unsqueeze(0) to add a leading axis "
            f"or .squeeze() to drop axes of size 1"
        )
    if t.numel() == 0:
        raise ValueError(
            f"{name} is empty (shape {tuple(t.shape)}): every axis needs at least one element"
        )
    return t, was_numpy


def bias_arg(bias, out_channels):
    """``None``, or a layer's bias: one value per output channel, shape ``(C_out,)``."""
    if bias is None:
        return None
    bias, _ = tensor_arg(bias, "bias", 1, "(C_out,): one value per output channel")
    if bias.shape[0] != out_channels:
        raise ValueError(
            f"bias has {bias.shape[0]} values but the weight has {out_channels} output channels: "
            f"a convolution layer has one bias per output channel, shape (C_out,) = "
            f"({out_channels},)"
        )
    return bias


def restore(t, was_numpy):
    """Give back the type the caller passed in: NumPy in, NumPy out."""
    return t.detach().cpu().numpy() if was_numpy else t


def compute_dtype(*tensors):
    """The dtype to compute in: floats keep their (promoted) precision; integers are summed exactly
    in ``torch.int64``, as ``torch.sum`` does."""
    dtype = tensors[0].dtype
    for t in tensors[1:]:
        dtype = torch.promote_types(dtype, t.dtype)
    return dtype if dtype.is_floating_point else torch.int64


# --- integers and pairs ---------------------------------------------------------------------


def _short(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def as_int(value, name, *, minimum, meaning):
    """Check one whole number ``>= minimum``; ``meaning`` says what valid values are, in words."""
    if not _is_int(value):
        kind = type(value).__name__
        raise TypeError(
            f"{name} must be {meaning}, but got {_short(value)} (a {kind}): it counts whole "
            f"rows/columns, so pass an int"
        )
    if value < minimum:
        raise ValueError(f"{name} must be {meaning}, but got {value}")
    return int(value)


def int_pair(value, name, *, minimum, meaning):
    """Accept an int or a pair ``(for height, for width)`` of ints; return a pair of ints."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(
                f"{name} must be one int or a pair (for height, for width), but got "
                f"{_short(value)} with {len(value)} entries"
            )
        return tuple(
            as_int(v, f"{name} ({axis})", minimum=minimum, meaning=meaning)
            for v, axis in zip(value, AXES, strict=True)
        )
    as_int(value, name, minimum=minimum, meaning=meaning)
    return (int(value), int(value))


def positive_pair(value, name):
    """``stride``, ``dilation``, ``kernel_size``: positive ints, one or one per axis."""
    return int_pair(value, name, minimum=1, meaning="a positive integer (1, 2, 3, ...)")


def side_pair(value, name, *, axis=None):
    """Padding along one axis: an int for both sides or ``(before, after)``; returns a pair."""
    label = name if axis is None else f"{name} ({axis})"
    meaning = "a non-negative integer (0 means no padding; to crop, slice the input instead)"
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(
                f"{label} must be one int or a pair (before, after), but got {_short(value)}"
            )
        return tuple(as_int(v, label, minimum=0, meaning=meaning) for v in value)
    v = as_int(value, label, minimum=0, meaning=meaning)
    return (v, v)


def padding_sides(padding, name="padding"):
    """Normalise 2-D padding to ``((top, bottom), (left, right))``.

    Accepts ``p`` (every side), ``(p_h, p_w)`` (per axis, both sides of it) or
    ``((top, bottom), (left, right))`` (every side explicitly).
    """
    if isinstance(padding, str):
        raise ValueError(
            f"{name}={padding!r} is not understood here: use an int, a pair (p_h, p_w) or "
            f"((top, bottom), (left, right))"
        )
    if isinstance(padding, (tuple, list)):
        if len(padding) != 2:
            raise ValueError(
                f"{name} must be an int, a pair (p_h, p_w) or ((top, bottom), (left, right)), "
                f"but got {_short(padding)} with {len(padding)} entries"
            )
        return tuple(side_pair(v, name, axis=axis) for v, axis in zip(padding, AXES, strict=True))
    p = side_pair(padding, name)
    return (p, p)


# --- shapes ---------------------------------------------------------------------------------


def window_output_size(n, before, after, kernel_size, stride, dilation, *, axis="", what="kernel"):
    """Number of window positions ``floor((n + before + after - d*(k-1) - 1) / s) + 1``.

    Raises a ``ValueError`` when the (dilated) window does not fit in the padded input.
    """
    effective = dilation * (kernel_size - 1) + 1
    padded = n + before + after
    if padded < effective:
        where = f" along the {axis}" if axis else ""
        size = f"kernel_size={kernel_size}"
        if dilation != 1:
            size += f" with dilation={dilation} spans {dilation}*({kernel_size}-1)+1 = {effective}"
        raise ValueError(
            f"the {what} ({size}{where}) is larger than the padded input (size {n} + padding "
            f"{before}+{after} = {padded}), so the output would be empty: use a smaller {what} "
            f"or dilation, or pad by at least {effective - padded} more"
        )
    return (padded - effective) // stride + 1


def pool_padding_ok(sides, ks, axes=AXES):
    """PyTorch's pooling rule: padding on each side is at most half the window (2p <= k)."""
    for (before, after), k, axis in zip(sides, ks, axes, strict=True):
        if 2 * max(before, after) > k:
            where = f" along the {axis}" if axis else ""
            raise ValueError(
                f"padding={max(before, after)}{where} is more than half the pooling window "
                f"kernel_size={k}: PyTorch requires padding <= kernel_size / 2 (here at most "
                f"{k // 2}): use less padding or a larger window"
            )


def check_mode(mode):
    if mode not in ("max", "avg"):
        raise ValueError(f"mode must be 'max' or 'avg', but got {mode!r}")
    return mode


# --- flags and fill values --------------------------------------------------------------------


def flag(value, name):
    """A yes/no option (``bias``, ``count_include_pad``): ``True`` or ``False`` only.

    ``bool("False")`` is ``True``, so a quoted ``'False'`` (or ``0``/``None``) is refused rather
    than read as a truth value.
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(
        f"{name} must be True or False, but got {_short(value)} (a {type(value).__name__}): "
        f"pass the bool itself, without quotes, e.g. {name}=False"
    )


def fill_value(value, dtype, name="value"):
    """A padding value: one real number that a tensor of ``dtype`` can hold exactly."""
    if isinstance(value, torch.Tensor) and value.numel() == 1 and not value.is_complex():
        value = value.item()
    elif isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
        value = value.item()
    if not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"{name} must be one real number to fill the new cells with, but got {_short(value)} "
            f"(a {type(value).__name__}): e.g. {name}=0 or {name}=float('-inf')"
        )
    if not dtype.is_floating_point and not (
        np.isfinite(float(value)) and float(value) == int(value)
    ):
        raise ValueError(
            f"{name}={value!r} cannot be stored in an integer tensor ({dtype}): pad with a whole "
            f"number, or convert the input first, e.g. x.double()"
        )
    return value


# --- memory and size budgets ------------------------------------------------------------------

BUDGET_BYTES = 1 << 30  # 1 GiB: no helper allocates a buffer larger than this
CHUNK_BYTES = 64 << 20  # conv2d builds its im2col matrix in bands of at most ~64 MiB
MAX_SIDE = 24  # largest grid side a player draws (its padded input); figures share the limit
MAX_CELLS = MAX_SIDE * MAX_SIDE  # largest grid a figure draws (draw_grid, draw_receptive_field)


def size_text(nbytes):
    """``1610612736 -> '1.5 GiB'``."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if nbytes >= scale:
            return f"{nbytes / scale:.3g} {unit}"
    return f"{nbytes} bytes"


def dtype_size(dtype):
    return torch.empty((), dtype=dtype).element_size()


def within_budget(shape, dtype, *, what, cause):
    """Refuse, before allocating it, a tensor of ``shape`` larger than :data:`BUDGET_BYTES`.

    ``what`` names the buffer ("the padded input"), ``cause`` the argument(s) that made it so
    large, as the caller wrote them (``"padding=10000"``).
    """
    count = 1
    for n in shape:
        count *= int(n)
    nbytes = count * dtype_size(dtype)
    if nbytes > BUDGET_BYTES:
        dims = "×".join(str(int(n)) for n in shape)
        raise ValueError(
            f"{cause} makes {what} {dims} values of {dtype} = {size_text(nbytes)}, more than the "
            f"{size_text(BUDGET_BYTES)} the course's helpers allocate: use a smaller {cause}, "
            f"or a smaller input (a crop)"
        )
    return nbytes


def drawable(shape, name, hint="draw a smaller example (a crop)"):
    """Figures and players draw at most :data:`MAX_CELLS` cells per grid, and no side longer than
    :data:`MAX_CELLS` (a row of 577 cells is no more readable than a 25×25 grid)."""
    h, w = (int(n) for n in shape)
    if h * w > MAX_CELLS or max(h, w) > MAX_CELLS:
        raise ValueError(
            f"{name} is {h}×{w} = {h * w} cells; figures and players draw at most {MAX_CELLS} "
            f"cells ({MAX_SIDE}×{MAX_SIDE}): {hint}"
        )


# --- player operands ----------------------------------------------------------------------------

EXACT_INT = 2**53  # the largest whole number a float64 (and a JavaScript number) holds exactly


def _real_tensor(value, name):
    """``value`` as a CPU tensor of real numbers (any dtype but complex and bool)."""
    if isinstance(value, torch.Tensor):
        t = value.detach().cpu()
    else:
        try:
            a = np.asarray(value)
        except ValueError as exc:  # ragged nested lists
            raise ValueError(
                f"{name} must be a rectangular grid of numbers, but its rows differ in length: "
                f"give every row the same number of values"
            ) from exc
        if a.dtype.kind not in "biufc":
            raise TypeError(
                f"{name} must be numbers (a tensor, an array or nested lists), but got "
                f"{_short(value)} (dtype {a.dtype}): e.g. torch.tensor([[1., 2.], [3., 4.]])"
            )
        t = torch.from_numpy(np.ascontiguousarray(a))
    if t.is_complex() or t.dtype == torch.bool:
        raise TypeError(
            f"{name} has dtype {t.dtype}, but the player shows real numbers: pass real values, "
            f"e.g. {name}.real, or {name}.float() for a mask"
        )
    return t


def player_operands(x, kernel=None, bias=None):
    """A player's ``x``, ``kernel`` and ``bias`` (``None`` passed through), checked before any
    arithmetic: real numbers only (complex, boolean, strings and ragged lists are refused), and an
    ``x`` small enough to draw (:func:`drawable`). NaN and infinities are kept (shown as ``nan``
    and ``∞``).

    Integer operands are converted to float64 exactly: the player refuses integers whose values,
    or whose sums of products, could pass ``2**53`` (beyond it float64 and JavaScript numbers skip
    whole numbers), so every number it shows is the exact integer result.
    """
    tensors, whole = [], []
    for value, name in ((x, "x"), (kernel, "kernel"), (bias, "bias")):
        if value is None:
            tensors.append(None)
            continue
        t = _real_tensor(value, name)
        if not t.dtype.is_floating_point:
            largest = int(t.abs().max()) if t.numel() else 0
            if largest > EXACT_INT:
                raise ValueError(
                    f"{name} holds {largest}, larger than 2**53 = {EXACT_INT}: the player "
                    f"computes in float64 and could not show it exactly; use smaller values"
                )
            t = t.to(torch.float64)
            whole.append(name)
        tensors.append(t)
    x_t, k_t, b_t = tensors
    if x_t.ndim >= 2:
        drawable(x_t.shape[-2:], "x", "show a smaller example (a crop of the image)")
    if {"x", "kernel"} <= set(whole) and x_t.numel() and k_t.numel():
        bound = int(x_t.abs().max()) * int(k_t.abs().sum()) + (
            int(b_t.abs().max()) if b_t is not None and b_t.numel() else 0
        )
        if bound > EXACT_INT:
            raise ValueError(
                f"x and kernel are integers whose sums of products may reach {bound}, beyond "
                f"2**53 = {EXACT_INT}: the player could not show them exactly; use smaller values"
            )
    return x_t, k_t, b_t
