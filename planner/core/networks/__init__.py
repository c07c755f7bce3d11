"""Neural networks as the models see them: parameter tensors, operations per step, and the
activations autograd keeps. One module per family."""
