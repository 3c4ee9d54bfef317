/// The one page `GET /` serves: a source box, the translation, beam and n-best controls,
/// calling `POST /v1/translate`. Self-contained (inline style and script, no external
/// assets, no build step).
enum TranslationPage {
    static func html(settings: ServingSettings) -> String {
        let source = escaped(settings.source.name), target = escaped(settings.target.name)
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>nmt · \(source) → \(target)</title>
        <style>
          body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f5f6f8; color: #1d2330; }
          main { max-width: 920px; margin: 0 auto; padding: 24px; }
          h1 { font-size: 20px; font-weight: 600; margin: 0 0 16px; }
          h1 small { font-weight: 400; color: #5b6475; }
          .panes { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
          textarea, #translation { box-sizing: border-box; width: 100%; min-height: 180px; padding: 12px;
            border: 1px solid #c9ced8; border-radius: 8px; background: #fff; font: inherit; }
          #translation { white-space: pre-wrap; }
          .controls { display: flex; gap: 16px; align-items: center; margin: 12px 0; flex-wrap: wrap; }
          button { font: inherit; padding: 6px 18px; border: 0; border-radius: 6px; background: #2f5bd3; color: #fff; cursor: pointer; }
          button:disabled { background: #8ea3dc; }
          #status { color: #5b6475; font-size: 14px; }
          #status.error { color: #b3261e; }
          ol { padding-left: 24px; }
          .score { color: #5b6475; font-size: 13px; font-variant-numeric: tabular-nums; margin-left: 8px; }
        </style>
        </head>
        <body>
        <main>
        <h1>\(source) → \(target) <small>\(escaped(settings.modelName))</small></h1>
        <div class="panes">
          <textarea id="source" placeholder="\(source) text, one sentence per line" autofocus></textarea>
          <div id="translation" aria-live="polite"></div>
        </div>
        <div class="controls">
          \(targetSelector(settings))<label>Beam <select id="beam"><option>1</option><option>2</option><option>4</option><option selected>5</option><option>8</option></select></label>
          <label>N-best <select id="nbest"><option selected>1</option><option>2</option><option>3</option><option>5</option></select></label>
          <button id="translate">Translate</button>
          <span id="status">Ctrl+Enter translates</span>
        </div>
        <ol id="alternatives"></ol>
        </main>
        <script>
        const $ = (id) => document.getElementById(id);
        async function translate() {
          const lines = $("source").value.split("\\n");
          const texts = lines.filter((line) => line.trim() !== "");
          if (texts.length === 0) { $("translation").textContent = ""; $("alternatives").replaceChildren(); return; }
          const beam = Number($("beam").value), nbest = Math.min(Number($("nbest").value), beam);
          $("translate").disabled = true;
          $("status").className = ""; $("status").textContent = "translating…";
          const started = performance.now();
          try {
            const response = await fetch("/v1/translate", { method: "POST", headers: { "Content-Type": "application/json" },
              body: JSON.stringify($("target") ? { texts, beam, nbest, target: $("target").value } : { texts, beam, nbest }) });
            const answer = await response.json();
            if (!response.ok) throw new Error(answer.error || response.statusText);
            let next = 0;
            const best = lines.map((line) => line.trim() === "" ? line : answer.translations[next++].hypotheses[0]?.text ?? "");
            $("translation").textContent = best.join("\\n");
            const items = [];
            answer.translations.forEach((translation, i) => translation.hypotheses.forEach((hypothesis, k) => {
              if (nbest === 1) return;
              const item = document.createElement("li");
              item.textContent = (answer.translations.length > 1 ? `[${i + 1}] ` : "") + hypothesis.text;
              const score = document.createElement("span");
              score.className = "score";
              score.textContent = `score ${hypothesis.score.toFixed(3)} · log p ${hypothesis.log_probability.toFixed(2)}`;
              item.append(score);
              items.push(item);
            }));
            $("alternatives").replaceChildren(...items);
            $("status").textContent = `${texts.length} sentence${texts.length > 1 ? "s" : ""} in ${Math.round(performance.now() - started)} ms`;
          } catch (error) {
            $("status").className = "error"; $("status").textContent = error.message;
          } finally {
            $("translate").disabled = false;
          }
        }
        $("translate").addEventListener("click", translate);
        $("source").addEventListener("keydown", (event) => { if (event.key === "Enter" && event.ctrlKey) translate(); });
        </script>
        </body>
        </html>

        """
    }

    /// A multilingual model's target languages as a menu (its requests must name one);
    /// nothing for a model with one target language.
    private static func targetSelector(_ settings: ServingSettings) -> String {
        guard !settings.targetLanguages.isEmpty else { return "" }
        let options = settings.targetLanguages.map { "<option value=\"\(escaped($0.code))\">\(escaped($0.name))</option>" }
        return "<label>Into <select id=\"target\">\(options.joined())</select></label>\n  "
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
