namespace Pipeline.Host.Data;

/// <summary>One fact of the synthetic world, as a statement (pretraining) and as a question with a one-word answer.</summary>
/// <param name="Relation">The kind of fact: <c>after</c>, <c>before</c>, <c>opposite</c> or <c>colour</c>.</param>
/// <param name="Statement">The fact as a sentence, for example <c>after five comes six .</c>.</param>
/// <param name="Question">The fact asked about, for example <c>what comes after five ?</c>.</param>
/// <param name="Answer">The one-word answer, for example <c>six</c>.</param>
public sealed record TextFact(string Relation, string Statement, string Question, string Answer);
