# Trains the 60-piece SentencePiece fixture tokenizer.model (see README.md).
import sentencepiece as spm

sentences = [
    "after five comes six .", "before nine comes eight .", "the opposite of hot is cold .",
    "the colour of the sky is blue .", "two red circles on the left .", "three high beeps .",
    "a low chord .", "what shape is in the image ?", "how many beeps do you hear ?",
    "is the sound high or low ?", "what colour are the shapes ?", "one green square on the right .",
]
with open("corpus.txt", "w") as f:
    f.write("\n".join(sentences * 4) + "\n")
spm.SentencePieceTrainer.train(
    input="corpus.txt", model_prefix="tokenizer", vocab_size=60, model_type="bpe",
    character_coverage=1.0, bos_id=1, eos_id=2, unk_id=0, pad_id=-1,
    user_defined_symbols=[], hard_vocab_limit=False, normalization_rule_name="identity")
sp = spm.SentencePieceProcessor(model_file="tokenizer.model")
print(sp.get_piece_size())
for s in ["what colour is the sky ?", "two red circles ."]:
    print(s, sp.encode(s), sp.encode(s, out_type=str))
print([sp.id_to_piece(i) for i in range(sp.get_piece_size())])
