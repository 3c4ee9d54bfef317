// A plain C interface over Debian's libsentencepiece (libsentencepiece-dev 0.1.97), so that
// Swift modules use SentencePiece without C++ interop. Every fallible call returns an
// spm_status; a non-zero code carries the library's message, which the caller releases
// with spm_status_release. Handles are owned by the caller and freed exactly once with
// their matching *_free function.
#ifndef CSENTENCEPIECE_H
#define CSENTENCEPIECE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The outcome of a call: code is SentencePiece's util::StatusCode (0 = OK); message is
/// NULL when OK, otherwise a heap string owned by the status.
typedef struct spm_status {
    int code;
    char *message;
} spm_status;

/// Frees the message of a status (safe on OK statuses and twice in a row).
void spm_status_release(spm_status *status);

/// A loaded model (sentencepiece::SentencePieceProcessor). Encoding and decoding through
/// one processor from several threads at once is safe; loading is not.
typedef struct spm_processor spm_processor;

/// Reusable output buffers, so that encoding a stream allocates once, not per line.
typedef struct spm_ids spm_ids;       // std::vector<int>
typedef struct spm_pieces spm_pieces; // std::vector<std::string>
typedef struct spm_string spm_string; // std::string (text or serialized model bytes)

spm_ids *spm_ids_create(void);
void spm_ids_free(spm_ids *ids);
size_t spm_ids_count(const spm_ids *ids);
const int32_t *spm_ids_data(const spm_ids *ids);

spm_pieces *spm_pieces_create(void);
void spm_pieces_free(spm_pieces *pieces);
size_t spm_pieces_count(const spm_pieces *pieces);
/// The bytes of piece `index` (valid until the next call that writes `pieces`).
const char *spm_pieces_at(const spm_pieces *pieces, size_t index, size_t *length);

spm_string *spm_string_create(void);
void spm_string_free(spm_string *string);
const char *spm_string_data(const spm_string *string, size_t *length);

/// Trains a model with spm_train's flags given as `count` key/value pairs (without the
/// leading dashes; no model_prefix) and writes the serialized model into `model`.
/// `seed` seeds SentencePiece's random generator. Calls are serialized, because the seed
/// and the log level are process-wide settings of the library.
spm_status spm_train(const char *const *keys, const char *const *values, size_t count,
                     uint32_t seed, spm_string *model);
/// Trains as spm_train does, on `sentence_count` sentences given in memory instead of the
/// `input` files: sentence i is `lengths[i]` bytes of `text`, the sentences laid end to end.
/// The model's trainer_spec then names no input file.
spm_status spm_train_sentences(const char *const *keys, const char *const *values, size_t count,
                               uint32_t seed, const char *text, const size_t *lengths,
                               size_t sentence_count, spm_string *model);

/// Loads a model file. On success *out is a new processor; on failure it is NULL.
spm_status spm_processor_load_file(const char *path, spm_processor **out);
/// Loads a model from its serialized bytes. On success *out is a new processor.
spm_status spm_processor_load_bytes(const void *bytes, size_t length, spm_processor **out);
void spm_processor_free(spm_processor *processor);

/// The serialized model (what a .model file holds).
void spm_processor_serialize(const spm_processor *processor, spm_string *out);

/// Encodes UTF-8 text of `length` bytes into ids (replacing the contents of `out`).
spm_status spm_encode_ids(const spm_processor *processor, const char *text, size_t length,
                          spm_ids *out);
/// Encodes UTF-8 text into pieces, as spm_encode --output_format=piece.
spm_status spm_encode_pieces(const spm_processor *processor, const char *text,
                             size_t length, spm_pieces *out);
/// Decodes ids into UTF-8 text. Ids outside the vocabulary are an error.
spm_status spm_decode_ids(const spm_processor *processor, const int32_t *ids, size_t count,
                          spm_string *out);

/// Decodes pieces (`count` UTF-8 strings with their lengths) into text as spm_decode
/// --input_format=piece does: a piece the model lacks is kept as it is.
spm_status spm_decode_pieces(const spm_processor *processor, const char *const *pieces,
                             const size_t *lengths, size_t count, spm_string *out);

int32_t spm_vocab_size(const spm_processor *processor);
/// The id of a piece, or the unknown id when the piece is not in the vocabulary.
int32_t spm_piece_to_id(const spm_processor *processor, const char *piece, size_t length);
/// The piece of an id (valid while the processor lives); NULL when out of range.
const char *spm_id_to_piece(const spm_processor *processor, int32_t id, size_t *length);
/// The score of an id (log probability for unigram, merge rank for BPE); 0 when out of range.
float spm_id_score(const spm_processor *processor, int32_t id);

/// The special ids written in the model (-1 when disabled).
int32_t spm_unk_id(const spm_processor *processor);
int32_t spm_bos_id(const spm_processor *processor);
int32_t spm_eos_id(const spm_processor *processor);
int32_t spm_pad_id(const spm_processor *processor);

#ifdef __cplusplus
}
#endif

#endif
