Ya no me duele.
El hotel tiene una piscina.
Abre la ventana, por favor.
Lávate las manos antes de comer.
Está lloviendo.
¿Cuál es tu número de teléfono?
El cielo está despejado.
Lleva un paraguas.
Mi hermano mayor es ingeniero.
Los pájaros vuelan hacia el sur.
Él está triste.
El agua del lago está limpia.
Vivo cerca del centro.
Mi casa tiene un jardín pequeño.
Mándame un mensaje.
El pájaro canta en el árbol.
¿Me das la receta?
Ella está contenta.
Me encantaría.
Tengo una cita con el dentista.
La cena es a las nueve.
El examen fue difícil.
¿Cuánto cuesta esto?
Los domingos descanso.
La fiesta fue estupenda.
El desayuno está listo.
Mañana es martes.
Tengo prisa.
Mi hija aprende a nadar.
Estoy cansado.
Mi hermana estudia en Londres.
La ciudad es ruidosa.
No me gusta la leche.
Silencio, por favor.
Es demasiado caro.
Está nevando en la montaña.
Mi marido trabaja de noche.
Mañana va a llover.
El tren sale a las ocho.
Hay que comprar pan.
