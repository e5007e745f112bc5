namespace Spindle.Cli.Experiments;

/// <summary>Where one arm stopped on one configuration and what it kept.</summary>
/// <param name="Run">The configuration (its monitor-arm run).</param>
/// <param name="StopEpoch">The last epoch trained.</param>
/// <param name="KeptEpoch">The epoch whose weights are kept.</param>
/// <param name="Accuracy">Test accuracy at the kept weights.</param>
/// <param name="Fired">Whether the arm stopped before the last epoch by its rule.</param>
internal sealed record ArmOutcome(EarlyStoppingRun Run, int StopEpoch, int KeptEpoch, double Accuracy, bool Fired);

/// <summary>A candidate's outcomes on a set of runs, with their means.</summary>
/// <param name="Candidate">The candidate.</param>
/// <param name="Outcomes">One per run.</param>
internal sealed record CandidateScore(StoppingCandidate Candidate, IReadOnlyList<ArmOutcome> Outcomes)
{
    /// <summary>Gets the mean test accuracy at the kept weights.</summary>
    public double MeanAccuracy => Outcomes.Average(o => o.Accuracy);

    /// <summary>Gets the mean stop epoch.</summary>
    public double MeanStopEpoch => Outcomes.Average(o => o.StopEpoch);

    /// <summary>Gets the number of runs on which the rule fired.</summary>
    public int FiredCount => Outcomes.Count(o => o.Fired);
}

/// <summary>
/// The early-stopping study's analysis of the saved records: every candidate rule simulated on every monitor-arm run,
/// the rule chosen on the selection seeds, and every arm on the held-out seeds.
/// </summary>
internal sealed class EarlyStoppingAnalysis
{
    /// <summary>Two candidates whose mean selection accuracies are within this many (fraction, 0.1 points) count as tied; the tie goes to the one that stops earlier on average.</summary>
    public const double AccuracyTie = 0.001;

    private readonly Dictionary<(string Run, StudySignal Signal), IReadOnlyList<SeriesPoint>> _series = [];

    private EarlyStoppingAnalysis(EarlyStoppingStudySettings settings, IReadOnlyList<RecordedRun> monitor, IReadOnlyDictionary<string, RecordedRun> validation)
    {
        Settings = settings;
        MonitorRuns = monitor;
        ValidationRuns = validation;
        Selection = [.. monitor.Where(r => settings.SelectionSeeds.Contains(r.Run.Seed))];
        HeldOut = [.. monitor.Where(r => !settings.SelectionSeeds.Contains(r.Run.Seed))];
    }

    /// <summary>Gets the study's settings.</summary>
    public EarlyStoppingStudySettings Settings { get; }

    /// <summary>Gets every complete monitor-arm run.</summary>
    public IReadOnlyList<RecordedRun> MonitorRuns { get; }

    /// <summary>Gets the complete validation-arm runs by configuration name.</summary>
    public IReadOnlyDictionary<string, RecordedRun> ValidationRuns { get; }

    /// <summary>Gets the monitor-arm runs the rule is chosen on.</summary>
    public IReadOnlyList<RecordedRun> Selection { get; }

    /// <summary>Gets the monitor-arm runs the rule is reported on.</summary>
    public IReadOnlyList<RecordedRun> HeldOut { get; }

    /// <summary>Gets every candidate scored on the selection runs, best first.</summary>
    public IReadOnlyList<CandidateScore> Ranked { get; private set; } = [];

    /// <summary>Gets the chosen candidate's score on the selection runs.</summary>
    public CandidateScore ChosenScore { get; private set; } = null!;

    /// <summary>Gets the chosen candidate.</summary>
    public StoppingCandidate Chosen => ChosenScore.Candidate;

    /// <summary>Reads the records and ranks every candidate on the selection runs.</summary>
    /// <param name="settings">The study's settings.</param>
    /// <param name="log">Progress.</param>
    /// <returns>The analysis.</returns>
    /// <exception cref="InvalidDataException">No complete monitor run among the selection or held-out seeds.</exception>
    public static EarlyStoppingAnalysis Run(EarlyStoppingStudySettings settings, TextWriter log)
    {
        var plan = settings.Plan().ToList();
        var monitor = new List<RecordedRun>();
        var validation = new Dictionary<string, RecordedRun>();
        foreach (var run in plan.Where(r => EarlyStoppingRecorder.IsComplete(settings.RunsFolder, r)))
        {
            var recorded = RecordedRun.Load(settings.RunsFolder, run);
            if (run.Arm == EarlyStoppingArm.Monitor)
            {
                monitor.Add(recorded);
            }
            else
            {
                validation[run.ConfigName] = recorded;
            }
        }

        log.WriteLine($"{monitor.Count + validation.Count} of {plan.Count} runs recorded.");
        var analysis = new EarlyStoppingAnalysis(settings, monitor, validation);
        if (analysis.Selection.Count == 0)
        {
            throw new InvalidDataException($"No complete monitor-arm run with a selection seed ({string.Join(' ', settings.SelectionSeeds)}) in {settings.RunsFolder}.");
        }

        var candidates = EarlyStoppingCandidates.All();
        log.WriteLine($"Simulating {candidates.Count} candidate rules on {analysis.Selection.Count} selection runs.");
        var scores = candidates.Select(c => analysis.Score(c, analysis.Selection)).ToList();
        analysis.Ranked = [.. scores
            .Select((s, i) => (Score: s, Order: i))
            .OrderByDescending(s => s.Score.MeanAccuracy)
            .ThenBy(s => s.Order)
            .Select(s => s.Score)];

        // Every candidate within AccuracyTie of the best mean selection accuracy is tied; the earliest mean stop wins,
        // then the simpler rule (the earlier one in the candidate grid).
        var best = analysis.Ranked[0].MeanAccuracy;
        analysis.ChosenScore = scores
            .Select((s, i) => (Score: s, Order: i))
            .Where(s => s.Score.MeanAccuracy >= best - AccuracyTie)
            .OrderBy(s => s.Score.MeanStopEpoch)
            .ThenBy(s => s.Order)
            .First().Score;
        return analysis;
    }

    /// <summary>Scores a candidate on runs.</summary>
    /// <param name="candidate">The candidate.</param>
    /// <param name="runs">The monitor-arm runs.</param>
    /// <returns>Its outcomes.</returns>
    public CandidateScore Score(StoppingCandidate candidate, IReadOnlyList<RecordedRun> runs) =>
        new(candidate, [.. runs.Select(run =>
        {
            var outcome = candidate.Rule.Simulate(run, SeriesOf(run, candidate.Rule.Signal), candidate.Restore);
            return new ArmOutcome(run.Run, outcome.StopEpoch, outcome.KeptEpoch, run.At(outcome.KeptEpoch).TestAccuracy, outcome.Fired);
        })]);

    /// <summary>Gets the outcome of training to the end.</summary>
    /// <param name="run">The monitor-arm run.</param>
    /// <returns>The outcome.</returns>
    public static ArmOutcome NoStopping(RecordedRun run) => new(run.Run, run.LastEpoch, run.LastEpoch, run.Epochs[^1].TestAccuracy, false);

    /// <summary>Gets the oracle: the epoch of the best test accuracy, known only in hindsight.</summary>
    /// <param name="run">The monitor-arm run.</param>
    /// <returns>The outcome.</returns>
    public static ArmOutcome Oracle(RecordedRun run)
    {
        var best = run.Epochs.Where(e => e.Epoch > 0).MaxBy(e => e.TestAccuracy)!;
        return new ArmOutcome(run.Run, best.Epoch, best.Epoch, best.TestAccuracy, best.Epoch < run.LastEpoch);
    }

    /// <summary>Gets the outcome of training for a fixed number of epochs.</summary>
    /// <param name="run">The monitor-arm run.</param>
    /// <param name="epochs">The epochs to train.</param>
    /// <returns>The outcome.</returns>
    public static ArmOutcome FixedEpochs(RecordedRun run, int epochs)
    {
        var epoch = Math.Min(epochs, run.LastEpoch);
        return new ArmOutcome(run.Run, epoch, epoch, run.At(epoch).TestAccuracy, epoch < run.LastEpoch);
    }

    /// <summary>
    /// Gets the fixed epoch count with the highest mean test accuracy on the selection runs (ties within
    /// <see cref="AccuracyTie"/> to the fewest epochs): the control a signal-based rule must beat, since a rule that fires
    /// at about the same epoch in every run is a timer.
    /// </summary>
    public int ChosenFixedEpochs
    {
        get
        {
            var scores = Enumerable.Range(1, Settings.Epochs).Select(e => (Epochs: e, Accuracy: Selection.Average(r => FixedEpochs(r, e).Accuracy))).ToList();
            var best = scores.Max(s => s.Accuracy);
            return scores.First(s => s.Accuracy >= best - AccuracyTie).Epochs;
        }
    }

    /// <summary>Gets the validation arm of a configuration: 10% held out, patience 5, the lowest validation loss kept.</summary>
    /// <param name="run">The configuration's monitor-arm run.</param>
    /// <returns>The outcome, or null when the validation run is not recorded.</returns>
    public ArmOutcome? Validation(RecordedRun run)
    {
        if (!ValidationRuns.TryGetValue(run.Run.ConfigName, out var validation))
        {
            return null;
        }

        var best = validation.Epochs.Where(e => e.Epoch > 0 && e.ValidationLoss is not null).MinBy(e => e.ValidationLoss!.Value)!;
        return new ArmOutcome(run.Run, validation.LastEpoch, best.Epoch, best.TestAccuracy, validation.LastEpoch < Settings.Epochs);
    }

    /// <summary>Gets a run's series for a signal (cached).</summary>
    /// <param name="run">The run.</param>
    /// <param name="signal">The signal.</param>
    /// <returns>The series.</returns>
    public IReadOnlyList<SeriesPoint> SeriesOf(RecordedRun run, StudySignal signal)
    {
        if (!_series.TryGetValue((run.Run.Name, signal), out var series))
        {
            series = StoppingRule.Series(run, signal);
            _series[(run.Run.Name, signal)] = series;
        }

        return series;
    }
}
