using System.Text;

namespace Spindle.Cli.Tests.Grafana;

/// <summary>
/// Reads the metric names a PromQL expression selects: bare selectors (<c>name{...}</c>, <c>name[5m]</c>) and
/// <c>{__name__="name"}</c>. It tokenizes the expression (strings, label matchers, durations, numbers, identifiers)
/// and classifies each identifier as a function, aggregation, keyword, grouping label or metric name; an identifier
/// called like a function that PromQL does not have is an error rather than a guess.
/// </summary>
internal static class PromQlMetricNames
{
    private static readonly HashSet<string> Aggregations = new(StringComparer.OrdinalIgnoreCase)
    {
        "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio",
    };

    private static readonly HashSet<string> Functions = new(StringComparer.Ordinal)
    {
        "abs", "absent", "absent_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh", "avg_over_time", "ceil", "changes",
        "clamp", "clamp_max", "clamp_min", "cos", "cosh", "count_over_time", "day_of_month", "day_of_week", "day_of_year",
        "days_in_month", "deg", "delta", "deriv", "end", "exp", "floor", "histogram_count", "histogram_fraction",
        "histogram_quantile", "histogram_stddev", "histogram_stdvar", "histogram_sum", "holt_winters", "hour", "idelta",
        "increase", "irate", "label_join", "label_replace", "last_over_time", "ln", "log10", "log2", "mad_over_time",
        "max_over_time", "min_over_time", "minute", "month", "pi", "predict_linear", "present_over_time", "quantile_over_time",
        "rad", "rate", "resets", "round", "scalar", "sgn", "sin", "sinh", "sort", "sort_desc", "sqrt", "start",
        "stddev_over_time", "stdvar_over_time", "sum_over_time", "tan", "tanh", "time", "timestamp", "vector", "year",
    };

    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "atan2", "inf", "nan",
    };

    private static readonly HashSet<string> LabelListKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right",
    };

    /// <summary>The metric names <paramref name="expression"/> selects.</summary>
    /// <exception cref="FormatException">The expression calls an unknown function or is not closed.</exception>
    public static IReadOnlySet<string> Extract(string expression)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var s = expression;
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '#')
            {
                while (i < s.Length && s[i] != '\n')
                {
                    i++;
                }
            }
            else if (c is '"' or '\'' or '`')
            {
                ReadString(s, ref i);
            }
            else if (c == '{')
            {
                ReadMatchers(s, ref i, names);
            }
            else if (c == '[')
            {
                i = IndexOrThrow(s, ']', i) + 1;
            }
            else if (c == '$')
            {
                SkipVariable(s, ref i);
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1])))
            {
                SkipNumber(s, ref i);
            }
            else if (IsIdentifierStart(c))
            {
                var identifier = ReadIdentifier(s, ref i);
                var next = SkipSpace(s, i);
                var opens = next < s.Length && s[next] == '(';
                if (Keywords.Contains(identifier))
                {
                    if (LabelListKeywords.Contains(identifier) && opens)
                    {
                        i = IndexOrThrow(s, ')', next) + 1;
                    }
                }
                else if (Aggregations.Contains(identifier) && (opens || StartsWithWord(s, next, "by") || StartsWithWord(s, next, "without")))
                {
                    // An aggregation; its grouping clause is read as a keyword next.
                }
                else if (opens)
                {
                    if (!Functions.Contains(identifier))
                    {
                        throw new FormatException($"'{identifier}(' in \"{expression}\" is no PromQL function or aggregation.");
                    }
                }
                else
                {
                    names.Add(identifier);
                }
            }
            else
            {
                i++;
            }
        }

        return names;
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c is '_' or ':';

    private static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or ':';

    private static string ReadIdentifier(string s, ref int i)
    {
        var start = i;
        while (i < s.Length && IsIdentifierPart(s[i]))
        {
            i++;
        }

        return s[start..i];
    }

    private static int SkipSpace(string s, int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i]))
        {
            i++;
        }

        return i;
    }

    private static bool StartsWithWord(string s, int i, string word) =>
        string.Compare(s, i, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0
        && (i + word.Length == s.Length || !IsIdentifierPart(s[i + word.Length]));

    private static int IndexOrThrow(string s, char c, int from)
    {
        var index = s.IndexOf(c, from);
        return index >= 0 ? index : throw new FormatException($"'{s[from]}' at {from} in \"{s}\" is not closed by '{c}'.");
    }

    private static string ReadString(string s, ref int i)
    {
        var quote = s[i++];
        var value = new StringBuilder();
        while (i < s.Length && s[i] != quote)
        {
            if (s[i] == '\\' && quote != '`' && i + 1 < s.Length)
            {
                i++;
            }

            value.Append(s[i++]);
        }

        if (i >= s.Length)
        {
            throw new FormatException($"A string in \"{s}\" is not closed.");
        }

        i++;
        return value.ToString();
    }

    private static void ReadMatchers(string s, ref int i, SortedSet<string> names)
    {
        i++;
        while (true)
        {
            i = SkipSpace(s, i);
            if (i >= s.Length)
            {
                throw new FormatException($"A label matcher block in \"{s}\" is not closed.");
            }

            if (s[i] == '}')
            {
                i++;
                return;
            }

            if (s[i] == ',')
            {
                i++;
                continue;
            }

            var label = s[i] is '"' or '\'' or '`' ? ReadString(s, ref i) : ReadIdentifier(s, ref i);
            i = SkipSpace(s, i);
            var op = new StringBuilder();
            while (i < s.Length && s[i] is '=' or '!' or '~')
            {
                op.Append(s[i++]);
            }

            i = SkipSpace(s, i);
            if (label.Length == 0 || op.Length == 0 || i >= s.Length || s[i] is not ('"' or '\'' or '`'))
            {
                throw new FormatException($"A label matcher at {i} in \"{s}\" is not label op \"value\".");
            }

            var value = ReadString(s, ref i);
            if (label == "__name__" && op.ToString() == "=")
            {
                names.Add(value);
            }
        }
    }

    private static void SkipVariable(string s, ref int i)
    {
        i++;
        if (i < s.Length && s[i] == '{')
        {
            i = IndexOrThrow(s, '}', i) + 1;
            return;
        }

        while (i < s.Length && IsIdentifierPart(s[i]))
        {
            i++;
        }
    }

    private static void SkipNumber(string s, ref int i)
    {
        var start = i;
        while (i < s.Length)
        {
            var c = s[i];
            var exponentSign = c is '+' or '-' && i > start && s[i - 1] is 'e' or 'E' && !s[start..i].StartsWith("0x", StringComparison.OrdinalIgnoreCase);
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' || exponentSign))
            {
                return;
            }

            i++;
        }
    }
}
