namespace Spindle.Regularizer;

/// <summary>Which statistics the batch-norm layers of the regularized model use in the term's masked forward passes.</summary>
public enum BatchNormStatistics
{
    /// <summary>
    /// The statistics of the masked batch itself, as in training mode; the running statistics are left as they were
    /// (saved before the passes and put back after). The term's gradient then sees the same invariances as the training
    /// loss (for instance to the scale of a convolution's weights ahead of a batch norm).
    /// </summary>
    Batch,

    /// <summary>
    /// The running statistics, as in evaluation mode. The term can then lower its penalty along directions the training
    /// loss cannot see, such as shrinking a convolution's weights ahead of a batch norm, which changes the evaluation-mode
    /// model and not the training-mode one: on ResNet-20 this made the test accuracy collapse while the training accuracy
    /// stayed high (docs/results/regularizer.md).
    /// </summary>
    Running,
}
