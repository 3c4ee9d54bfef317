// The extern "C" API of include/CSentencePiece.h over sentencepiece's C++ classes.
// No C++ exception crosses this boundary: the library reports errors as util::Status, and
// allocation failures terminate as they would in Swift.
#include "CSentencePiece.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <cstdlib>
#include <exception>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

struct spm_processor {
    sentencepiece::SentencePieceProcessor impl;
};
struct spm_ids {
    std::vector<int> values;
};
struct spm_pieces {
    std::vector<std::string> values;
};
struct spm_string {
    std::string value;
};

// The ids are returned to Swift as int32_t without copying.
static_assert(sizeof(int) == sizeof(int32_t), "ids are 32-bit");

namespace {

spm_status makeStatus(const sentencepiece::util::Status &status) {
    if (status.ok()) return {0, nullptr};
    const char *message = status.error_message();
    return {static_cast<int>(status.code()), strdup(message ? message : "unknown error")};
}

spm_status makeError(const char *message) {
    return {static_cast<int>(sentencepiece::util::StatusCode::kInvalidArgument),
            strdup(message)};
}

// Runs `call` (which returns a sentencepiece Status) and turns a C++ exception into an
// error status: the library throws from inside (darts_clone's trie builder throws on a
// model with an empty piece, found by fuzzing), and an exception that crossed into Swift
// would terminate the process.
template <typename Call>
spm_status guarded(Call call) {
    try {
        return makeStatus(call());
    } catch (const std::exception &error) {
        return makeError(error.what());
    } catch (...) {
        return makeError("the SentencePiece library failed with an unknown exception");
    }
}

// Loads with `load` into a new processor and hands it out only on success, so that a
// failed load frees the processor here and nowhere else.
template <typename Load>
spm_status loadProcessor(spm_processor **out, Load load) {
    *out = nullptr;
    auto *processor = new spm_processor();
    spm_status status = guarded([&] { return load(processor->impl); });
    if (status.code != 0) {
        delete processor;
        return status;
    }
    *out = processor;
    return status;
}

// The training sentences of spm_train_sentences: lines laid end to end in one buffer.
class LineIterator : public sentencepiece::SentenceIterator {
  public:
    LineIterator(const char *text, const size_t *lengths, size_t count)
        : text_(text), lengths_(lengths), count_(count) { load(); }
    bool done() const override { return index_ >= count_; }
    void Next() override {
        offset_ += lengths_[index_];
        ++index_;
        load();
    }
    const std::string &value() const override { return value_; }
    sentencepiece::util::Status status() const override { return sentencepiece::util::Status(); }

  private:
    void load() {
        if (!done()) value_.assign(text_ + offset_, lengths_[index_]);
    }
    const char *text_;
    const size_t *lengths_;
    size_t count_;
    size_t index_ = 0;
    size_t offset_ = 0;
    std::string value_;
};

// Both training entry points: flags as key/value pairs, sentences from `iterator` (or,
// when it is null, from the files of the `input` flag).
spm_status train(const char *const *keys, const char *const *values, size_t count, uint32_t seed,
                 sentencepiece::SentenceIterator *iterator, spm_string *model) {
    static std::mutex trainingLock;
    std::lock_guard<std::mutex> guard(trainingLock);
    std::unordered_map<std::string, std::string> arguments;
    for (size_t i = 0; i < count; ++i) arguments[keys[i]] = values[i];
    sentencepiece::SetRandomGeneratorSeed(seed);
    model->value.clear();
    return guarded([&] {
        return sentencepiece::SentencePieceTrainer::Train(arguments, iterator, &model->value);
    });
}

}  // namespace

extern "C" {

void spm_status_release(spm_status *status) {
    free(status->message);
    status->message = nullptr;
}

spm_ids *spm_ids_create(void) { return new spm_ids(); }
void spm_ids_free(spm_ids *ids) { delete ids; }
size_t spm_ids_count(const spm_ids *ids) { return ids->values.size(); }
const int32_t *spm_ids_data(const spm_ids *ids) {
    return reinterpret_cast<const int32_t *>(ids->values.data());
}

spm_pieces *spm_pieces_create(void) { return new spm_pieces(); }
void spm_pieces_free(spm_pieces *pieces) { delete pieces; }
size_t spm_pieces_count(const spm_pieces *pieces) { return pieces->values.size(); }
const char *spm_pieces_at(const spm_pieces *pieces, size_t index, size_t *length) {
    const std::string &piece = pieces->values[index];
    *length = piece.size();
    return piece.data();
}

spm_string *spm_string_create(void) { return new spm_string(); }
void spm_string_free(spm_string *string) { delete string; }
const char *spm_string_data(const spm_string *string, size_t *length) {
    *length = string->value.size();
    return string->value.data();
}

spm_status spm_train(const char *const *keys, const char *const *values, size_t count,
                     uint32_t seed, spm_string *model) {
    return train(keys, values, count, seed, nullptr, model);
}

spm_status spm_train_sentences(const char *const *keys, const char *const *values, size_t count,
                               uint32_t seed, const char *text, const size_t *lengths,
                               size_t sentence_count, spm_string *model) {
    LineIterator iterator(text, lengths, sentence_count);
    return train(keys, values, count, seed, &iterator, model);
}

spm_status spm_processor_load_file(const char *path, spm_processor **out) {
    return loadProcessor(out, [&](sentencepiece::SentencePieceProcessor &impl) {
        return impl.Load(path);
    });
}

spm_status spm_processor_load_bytes(const void *bytes, size_t length, spm_processor **out) {
    return loadProcessor(out, [&](sentencepiece::SentencePieceProcessor &impl) {
        return impl.LoadFromSerializedProto(
            absl::string_view(static_cast<const char *>(bytes), length));
    });
}

void spm_processor_free(spm_processor *processor) { delete processor; }

void spm_processor_serialize(const spm_processor *processor, spm_string *out) {
    out->value = processor->impl.serialized_model_proto();
}

spm_status spm_encode_ids(const spm_processor *processor, const char *text, size_t length,
                          spm_ids *out) {
    return guarded([&] { return processor->impl.Encode(absl::string_view(text, length), &out->values); });
}

spm_status spm_encode_pieces(const spm_processor *processor, const char *text,
                             size_t length, spm_pieces *out) {
    return guarded([&] { return processor->impl.Encode(absl::string_view(text, length), &out->values); });
}

spm_status spm_decode_ids(const spm_processor *processor, const int32_t *ids, size_t count,
                          spm_string *out) {
    const int size = processor->impl.GetPieceSize();
    for (size_t i = 0; i < count; ++i) {
        if (ids[i] < 0 || ids[i] >= size) {
            std::string message = "id " + std::to_string(ids[i]) +
                                  " is outside the vocabulary [0, " + std::to_string(size) + ")";
            return makeError(message.c_str());
        }
    }
    std::vector<int> values(ids, ids + count);
    return guarded([&] { return processor->impl.Decode(values, &out->value); });
}

spm_status spm_decode_pieces(const spm_processor *processor, const char *const *pieces,
                             const size_t *lengths, size_t count, spm_string *out) {
    std::vector<std::string> values;
    values.reserve(count);
    for (size_t i = 0; i < count; ++i) values.emplace_back(pieces[i], lengths[i]);
    return guarded([&] { return processor->impl.Decode(values, &out->value); });
}

int32_t spm_vocab_size(const spm_processor *processor) {
    return processor->impl.GetPieceSize();
}

int32_t spm_piece_to_id(const spm_processor *processor, const char *piece, size_t length) {
    return processor->impl.PieceToId(absl::string_view(piece, length));
}

const char *spm_id_to_piece(const spm_processor *processor, int32_t id, size_t *length) {
    if (id < 0 || id >= processor->impl.GetPieceSize()) return nullptr;
    const std::string &piece = processor->impl.IdToPiece(id);
    *length = piece.size();
    return piece.data();
}

float spm_id_score(const spm_processor *processor, int32_t id) {
    if (id < 0 || id >= processor->impl.GetPieceSize()) return 0;
    return processor->impl.GetScore(id);
}

int32_t spm_unk_id(const spm_processor *processor) { return processor->impl.unk_id(); }
int32_t spm_bos_id(const spm_processor *processor) { return processor->impl.bos_id(); }
int32_t spm_eos_id(const spm_processor *processor) { return processor->impl.eos_id(); }
int32_t spm_pad_id(const spm_processor *processor) { return processor->impl.pad_id(); }

}  // extern "C"
