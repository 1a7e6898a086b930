// Matt Mazur's "A Step by Step Backpropagation Example" (2-2-2, sigmoid, squared error, one
// example x = (0.05, 0.1), y = (0.01, 0.99), η = 0.5): the numbers as he published them, typed
// in and shaped like the API's backward payload. His ∂E/∂net is −δ here, his ∂E/∂w is ∂J/∂w;
// the bias rows are −δ and −η(−δ) (he keeps his biases fixed, so he does not print them).

export const before = {
  weights: [
    [
      [0.15, 0.2],
      [0.25, 0.3],
    ],
    [
      [0.4, 0.45],
      [0.5, 0.55],
    ],
  ],
  biases: [
    [0.35, 0.35],
    [0.6, 0.6],
  ],
};
export const trace = {
  net: [[[0.3775, 0.3925]], [[1.105905967, 1.224921404]]],
  activations: [[[0.05, 0.1]], [[0.593269992, 0.596884378]], [[0.75136507, 0.772928465]]],
  output: [[0.75136507, 0.772928465]],
  deltas: [[[-0.008771354, -0.009954254]], [[-0.138498562, 0.038098236]]],
  gradients: {
    weights: [
      [
        [0.000438568, 0.000877135],
        [0.000497713, 0.000995425],
      ],
      [
        [0.082167041, 0.082667628],
        [-0.02260254, -0.022740242],
      ],
    ],
    biases: [
      [0.008771354, 0.009954254],
      [0.138498562, -0.038098236],
    ],
  },
  weight_deltas: [
    [
      [-0.000219284, -0.000438568],
      [-0.000248856, -0.000497713],
    ],
    [
      [-0.04108352, -0.041333814],
      [0.01130127, 0.011370121],
    ],
  ],
  bias_deltas: [
    [-0.004385677, -0.004977127],
    [-0.069249281, 0.019049118],
  ],
  loss: 0.298371109,
};
export const LAYERS = [2, 2, 2];
