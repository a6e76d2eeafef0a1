extension FuzzHarness {
    /// Well-formed inputs to start from (the first byte of a settings-taking harness is its settings).
    package var seeds: [[UInt8]] {
        let texts: [String]
        switch self {
        case .vocabularyText:
            texts = ["[PAD]\n[UNK]\n[CLS]\n[SEP]\nthe\n##s\nun\n##aff\n##able\n", "[UNK]\r\na\r\n##b\r\nکتاب\r\n##ها\r\n"]
        case .tokenizerJSON:
            texts = [Self.tokenizerJSONSeed, #"{"model":{"type":"WordPiece","unk_token":"[UNK]","vocab":{"[UNK]":0,"[CLS]":1,"[SEP]":2,"a":3}}}"#]
        case .tokenize:
            texts = ["\u{0}Hello, the unaffable world!", "\u{1}Olá, AÇÃO\u{0}pair text", "\u{2}كتاب‌ها ۱۲۳ ي ى", "\u{3}[CLS] 北京 [MASK] e\u{301}"]
        case .normalize:
            texts = ["كتاب‌ها ۱۲۳ ي ى ـ", "Olá, ação e\u{301} ﬁ “quoted” — dash", "Ã§Ã£o Ø³Ù„Ø§Ù…", "\u{200D}\u{200C}\u{FEFF}\u{0}x"]
        case .safetensors:
            let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I64","shape":[1],"data_offsets":[8,16]},"__metadata__":{"format":"pt"}}"#
            var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian, Array.init)
            bytes += Array(header.utf8) + [0, 0, 128, 63, 0, 0, 0, 64] + [7, 0, 0, 0, 0, 0, 0, 0]
            return [bytes]
        case .configJSON:
            texts = [#"{"vocab_size":30522,"hidden_size":384,"num_hidden_layers":6,"num_attention_heads":12,"intermediate_size":1536,"max_position_embeddings":512,"type_vocab_size":2,"layer_norm_eps":1e-12,"hidden_dropout_prob":0.1,"attention_probs_dropout_prob":0.1,"pad_token_id":0}"#]
        case .csv:
            texts = ["\u{0}label,text\nfresh,\"A \"\"good\"\" film, really\"\nrotten,\"two\nlines\"\r\n", "\u{1}a,b,c\n1,2\n"]
        case .tsv:
            texts = ["\u{0}label\ttext\tpair\nsport\tO jogo\tthe game\n", "\u{9}x\t\"q\ty\"\n"]
        case .jsonl:
            texts = ["\u{0}{\"text\":\"olá\",\"label\":\"pt\"}\n{\"text\":\"hi\\u00e9\\n\",\"label\":[1,2]}\n", "\u{0}{\"text\":\"x\",\"label\":{\"a\":null}}"]
        case .gzip:
            // "label,text\na,b\n" compressed by gzip -n.
            return [[0] + [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xcb, 0x49, 0x4c, 0x4a, 0xcd, 0xd1, 0x29,
                           0x49, 0xad, 0x28, 0xe1, 0x4a, 0xd4, 0x49, 0xe2, 0x02, 0x00, 0xf6, 0x28, 0x28, 0x25, 0x0f, 0x00, 0x00, 0x00]]
        case .lines:
            texts = ["\u{0}Hello world\n\nكتاب\r\nlast line without newline", "\u{3}a\rb\rc\n"]
        case .folder:
            // Settings, then NUL-separated entries whose first byte is class (low bits), `.text` (8), folder (16).
            texts = ["\u{0}\u{1}A good film.\n\u{0}\u{0}\u{FEFF}Bad.\r\n\u{0}\u{3}کتاب خوب\u{0}\u{9}not read\u{0}\u{11}\u{0}\u{4}hidden\u{0}\u{5}root",
                     "\u{6}\u{1}way too long for sixteen bytes\u{0}\u{2}\u{FF}"]
        }
        return texts.map { Array($0.utf8) }
    }

    /// Fragments the mutator inserts: the syntax of the harness's format.
    package var dictionary: [String] {
        switch self {
        case .vocabularyText: ["\n", "\r\n", "##", "[UNK]", " ", "\t", "\u{0}", "\u{FEFF}"]
        case .tokenizerJSON, .configJSON, .safetensors:
            ["{", "}", "[", "]", ":", ",", "\"", "\\u0000", "\\ud800", "null", "true", "1e30", "-1", "0.5", "\"model\"",
             "\"vocab\"", "\"unk_token\"", "\"type_id\"", "\"ids\"", "\"max_length\"", "\"stride\"", "\"Fixed\"", "\"dtype\"",
             "\"shape\"", "\"data_offsets\"", "\"F32\"", "\"I64\"", "9223372036854775807", "4294967296", "\"hidden_size\""]
        case .tokenize, .normalize, .lines:
            ["[CLS]", "[MASK]", "\u{200C}", "\u{200D}", "\u{301}", "ي", "ك", "ـ", "\u{0}", "\r", "\n", "\u{85}", "\u{2028}",
             "\u{FFFD}", "İ", "ﬁ", "𠀀", "\u{E000}", "\u{F0}", "\u{C3}"]
        case .csv, .tsv: ["\"", ",", "\t", "\n", "\r", "\r\n", "\"\"", "label", "text", "\u{FEFF}"]
        case .jsonl: ["{", "}", "[", "]", ":", ",", "\"", "\\\"", "\\u00e9", "\\ud83d\\ude00", "\\ud800", "\"text\"", "\"label\"", "\n", "null", "1e400"]
        case .gzip: ["\u{1f}\u{8b}\u{8}", "\u{0}", "\u{FF}"]
        case .folder: ["\u{0}", "\u{1}", "\u{3}", "\u{8}", "\u{10}", "\u{FEFF}", "\r\n", "\u{FF}"]
        }
    }

    private static let tokenizerJSONSeed = #"""
        {"version":"1.0","truncation":{"direction":"Right","max_length":8,"strategy":"LongestFirst","stride":2},
         "padding":{"strategy":{"Fixed":10},"direction":"Right","pad_to_multiple_of":null,"pad_id":0,"pad_type_id":0,"pad_token":"[PAD]"},
         "added_tokens":[{"id":0,"content":"[PAD]","normalized":false,"special":true},{"id":1,"content":"[UNK]","normalized":false,"special":true}],
         "normalizer":{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":null,"lowercase":true},
         "pre_tokenizer":{"type":"BertPreTokenizer"},
         "post_processor":{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"[SEP]","type_id":0}}],
           "pair":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"[SEP]","type_id":0}},{"Sequence":{"id":"B","type_id":1}},{"SpecialToken":{"id":"[SEP]","type_id":1}}],
           "special_tokens":{"[CLS]":{"id":"[CLS]","ids":[2],"tokens":["[CLS]"]},"[SEP]":{"id":"[SEP]","ids":[3],"tokens":["[SEP]"]}}},
         "decoder":{"type":"WordPiece","prefix":"##","cleanup":true},
         "model":{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":100,
           "vocab":{"[PAD]":0,"[UNK]":1,"[CLS]":2,"[SEP]":3,"hello":4,"world":5,"un":6,"##aff":7,"##able":8,",":9,"!":10,"the":11}}}
        """#
}
